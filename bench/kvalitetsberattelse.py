"""Kvalitetsberättelse benchmark (issue #8): compile the default report for a förvaltning with
150 000 cases over ten years (~15 000 in the report year) and report wall time and peak memory
(issue 16: ≤ 10 s at 150 000 cases; ≤ 30 s and ≤ 1 GiB at 1.5 million).

Runs against its own database, BENCH_REPORT_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/avvika_bench_report), so the inbox benchmark's data stay
untouched. Cases and their type rows are written by COPY — no history rows, acceptable for the
benchmark database only. The compile runs in a forked child so its peak RSS is measured alone.

    .venv/bin/python bench/kvalitetsberattelse.py [--cases 150000]
"""

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/avvika_bench_report"
YEAR = 2025
SEED = 20251231
SEED_VERSION = 1
KIND_MIX = (("deviation", 0.5), ("complaint", 0.35), ("lexsarah", 0.15))
# Issue 16: the compile stays ≤ 10 s at 150 000 cases, ≤ 30 s and ≤ 1 GiB at 1.5 million.
TARGET_MB = 1024
SCALE_CASES = 1_500_000


def target_seconds(cases: int) -> float:
    return 30.0 if cases >= SCALE_CASES else 10.0


def _org():
    from cases.models import Unit, UnitKind
    from cases.services.org import unit_create

    root = Unit.objects.filter(code="KB").first()
    if root is None:
        kinds = {k.code: k for k in UnitKind.objects.all()}
        root = unit_create(code="KB", name="Bänkförvaltningen", kind=kinds["forvaltning"])
        for a in range(4):
            avd = unit_create(
                code=f"KB{a}", name=f"Avdelning {a}", kind=kinds["avdelning"], parent=root
            )
            for v in range(3):
                vo = unit_create(
                    code=f"KB{a}{v}",
                    name=f"Verksamhetsområde {a}.{v}",
                    kind=kinds["verksamhetsomrade"],
                    parent=avd,
                )
                for s in range(4):
                    unit_create(
                        code=f"KB{a}{v}{s}",
                        name=f"Sektion {a}.{v}.{s}",
                        kind=kinds["sektion"],
                        parent=vo,
                    )
    return Unit.objects.get(code="KB")


def _codes(codelist):
    from cases.models import Code

    return list(Code.objects.filter(codelist=codelist).values_list("pk", flat=True))


def _ts(rng, year_from, year_to):
    start = datetime(year_from, 1, 1).timestamp()
    end = datetime(year_to + 1, 1, 1).timestamp()
    return datetime.fromtimestamp(rng.uniform(start, end)).astimezone()


def _generate(n, rng, units, c):
    """Yields (case row, kind, extra) with ten years of cases, ~n/10 per year."""
    counters = {}
    kinds, weights = [k for k, _ in KIND_MIX], [w for _, w in KIND_MIX]
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        received = _ts(rng, YEAR - 9, YEAR)
        closed = received + timedelta(days=rng.randint(1, 120)) if rng.random() < 0.92 else None
        prefix = {"deviation": "AV", "complaint": "KS", "lexsarah": "LS"}[kind]
        key = (prefix, received.year)
        counters[key] = counters.get(key, 0) + 1
        row = {
            "kind": kind,
            "reference": f"{prefix}-{received.year}-{counters[key]:06d}",
            "unit_id": rng.choice(units),
            "title": "Bänkärende",
            "description": "",
            "received_at": received.isoformat(),
            "closed_at": closed.isoformat() if closed else None,
            "status": "avslutad" if closed else "mottagen",
            "event_category_id": rng.choice(c["event"]) if rng.random() < 0.85 else None,
            "created_at": received.isoformat(),
            "updated_at": received.isoformat(),
        }
        yield row


def seed(n: int, out) -> None:
    from django.db import connection

    from bench.seed import _copy, _db
    from cases.complaints.models import Complaint
    from cases.models import Case, CodeList, Measure, Unit
    from deviations.models import Deviation
    from lexsarah.models import LexSarahReport

    root = _org()
    if Case.objects.count() >= n and root.public_name == f"seed-v{SEED_VERSION}":
        out(f"benchmark database already holds {Case.objects.count()} cases")
        return
    rng = random.Random(SEED)
    units = list(Unit.objects.filter(code__startswith="KB", depth=4).values_list("pk", flat=True))
    c = {
        "event": _codes(CodeList.EVENT_CATEGORY),
        "def": _codes(CodeList.DEFICIENCY),
        "cause": _codes(CodeList.ROOT_CAUSE),
        "mtype": _codes(CodeList.MEASURE_TYPE),
        "ctype": _codes(CodeList.COMPLAINT_TYPE),
        "topic": _codes(CodeList.COMPLAINT_TOPIC),
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Case._meta.db_table} CASCADE")
    fields = [f for f in Case._meta.concrete_fields if f.name not in ("id", "search")]
    columns = [f.column for f in fields]
    defaults = {f.column: _db(f.get_default()) for f in fields}
    _copy(
        Case._meta.db_table,
        columns,
        ([row.get(col, defaults[col]) for col in columns] for row in _generate(n, rng, units, c)),
    )
    cases = list(Case.objects.values_list("pk", "kind", "closed_at"))
    by_kind = {k: [(pk, closed) for pk, kind, closed in cases if kind == k] for k, _ in KIND_MIX}
    _copy(
        Complaint._meta.db_table,
        [
            "case_id",
            "source",
            "complaint_type_id",
            "anonymous",
            "receipt_selector",
            "receipt_code_hash",
            "sender_name",
            "sender_email",
            "sender_phone",
            "reply_text",
        ],
        (
            [
                pk,
                "utomstaende" if rng.random() < 0.8 else "personal",
                rng.choice(c["ctype"]),
                "f",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
            for pk, _ in by_kind["complaint"]
        ),
    )
    _copy(
        Complaint.topics.through._meta.db_table,
        ["complaint_id", "code_id"],
        (
            [pk, t]
            for pk, _ in by_kind["complaint"]
            for t in rng.sample(c["topic"], rng.randint(0, 2))
        ),
    )
    dev_cols = [
        "case_id",
        "immediate_consequence",
        "concerns_child",
        "at_absence_or_handover",
        "closing_summary",
        "reclassified_to",
        "reclassification_reason",
    ]
    _copy(
        Deviation._meta.db_table,
        dev_cols,
        ([pk, "", "f", "f", "", "", ""] for pk, _ in by_kind["deviation"]),
    )
    for through, pool in (
        (Deviation.deficiencies.through, c["def"]),
        (Deviation.root_causes.through, c["cause"]),
    ):
        _copy(
            through._meta.db_table,
            ["deviation_id", "code_id"],
            (
                [pk, code]
                for pk, _ in by_kind["deviation"]
                for code in rng.sample(pool, rng.randint(0, 3))
            ),
        )
    _copy(
        Measure._meta.db_table,
        [
            "case_id",
            "measure_type_id",
            "level",
            "description",
            "status",
            "effect_followup",
            "created_at",
        ],
        (
            [
                pk,
                rng.choice(c["mtype"]) if rng.random() < 0.9 else None,
                "verksamhet",
                "Åtgärd",
                "genomford",
                "",
                closed.isoformat(),
            ]
            for pk, closed in by_kind["deviation"]
            if closed and rng.random() < 0.7
        ),
    )
    assessments = ["inget", "risk", "missforhallande", "risk_allvarligt", "allvarligt"]
    _copy(
        LexSarahReport._meta.db_table,
        [
            "case_id",
            "report_kind",
            "persons_affected",
            "concerns_child",
            "personal_data_breach",
            "assessment",
            "assessment_motivation",
            "au_date",
        ],
        (
            [
                pk,
                "missforhallande",
                "",
                "f",
                "f",
                rng.choice(assessments),
                "",
                (closed.date() + timedelta(days=30)).isoformat() if closed else None,
            ]
            for pk, closed in by_kind["lexsarah"]
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    Unit.objects.filter(pk=root.pk).update(public_name=f"seed-v{SEED_VERSION}")
    in_year = sum(1 for _, _, cl in cases) and Case.objects.filter(received_at__year=YEAR).count()
    out(f"seeded {n} cases ({in_year} received {YEAR}) in {time.perf_counter() - started:.1f} s")


def compile_once() -> dict:
    """Create an edition from the default template and compile it as the worker would."""
    from django.db import transaction

    from cases.models import Unit
    from reports.editions.compile import compile_run, edition_compile_request
    from reports.editions.models import ReportEdition, ReportTemplate
    from reports.editions.services import edition_create

    unit = Unit.objects.get(code="KB")
    run = ReportEdition.objects.filter(unit=unit, year=YEAR).count() + 1
    edition = edition_create(
        unit=unit,
        year=YEAR,
        actor=None,
        title=f"Kvalitetsberättelse {YEAR} ({run})",
        template=ReportTemplate.objects.get(is_default=True),
        diarienummer="BENCH-1",
        responsible="Förvaltningsdirektör",
        report_date=date(YEAR + 1, 2, 27),
    )
    with transaction.atomic():
        job = edition_compile_request(edition=edition, actor=None)
    from reports.editions.selectors import edition_compute

    started = time.perf_counter()
    edition_compute(edition)  # the SQL half alone, for the breakdown
    sql_s = time.perf_counter() - started
    started = time.perf_counter()
    compiled = compile_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "sql_s": sql_s, "pages": compiled.pages, "bytes": compiled.size}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--json", type=Path, help="also write the rows (bench/run.py's contract)")
    args = parser.parse_args(argv)
    os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6399/0"  # never enqueue from the bench
    from bench.run import _setup_django

    _setup_django(os.environ.get("BENCH_REPORT_DATABASE_URL", DEFAULT_URL))
    import logging

    from django.db import connections

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    seed(args.cases, print)
    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: the compile alone, so ru_maxrss is its own peak
        os.close(read)
        result = compile_once()
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        os.write(write, repr(result).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    result = eval(os.read(read, 10_000).decode())  # noqa: S307 — our own child's repr
    ok = result["seconds"] <= target_seconds(args.cases) and result["peak_mb"] <= TARGET_MB
    if args.json:
        args.json.write_text(json.dumps(contract_rows(args.cases, result)))
    print(
        f"{'benchmark':<22}  {'cases':>10}  {'seconds':>10}  {'blocks_s':>10}  {'peak_mb':>10}  {'pages':>10}"
    )
    print(
        f"{'kvalitetsberattelse':<22}  {args.cases:>10}  {result['seconds']:>10.1f}  "
        f"{result['sql_s']:>10.1f}  {result['peak_mb']:>10.0f}  {result['pages']:>10}"
        f"{'' if ok else '  > target'}"
    )
    return 0 if ok else 1


def contract_rows(cases: int, result: dict) -> list[dict]:
    """The compile as rows of bench/run.py's table: its seconds and its peak memory (MB)."""
    common = {"rows": cases, "runs": 1, "queries": None}
    return [
        {
            **common,
            "name": "kvalitetsberattelse_compile",
            "median_ms": result["seconds"],
            "p95_ms": result["seconds"],
            "sql_ms": None,
            "target_ms": target_seconds(cases),
            "unit": "s",
            "blocks_s": result["sql_s"],
            "pages": result["pages"],
        },
        {
            **common,
            "name": "kvalitetsberattelse_peak_memory",
            "median_ms": result["peak_mb"],
            "p95_ms": result["peak_mb"],
            "sql_ms": None,
            "target_ms": TARGET_MB,
            "unit": "MB",
        },
    ]


if __name__ == "__main__":
    raise SystemExit(main())
