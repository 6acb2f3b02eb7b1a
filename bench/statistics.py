"""Statistics benchmark (issue 16 point 3): /rapporter/statistik/ for a kvalitetsstrateg over
the whole förvaltning and one full calendar year, at 150 000 cases. Target p95 ≤ 300 ms.

Seeds with the inbox benchmark's seed (cases only), then adds the type rows the statistics
count (complaint source/topics, deviation deficiencies/causes and measures, lex Sarah
assessment and AU date) by COPY, once, for cases that have none. Benchmark database only.

    BENCH_DATABASE_URL=postgres://…/bench_x .venv/bin/python -m bench.statistics [--cases N]

Note the module name shadows the standard library's `statistics` for scripts run from bench/
(bench/run.py drops its own directory from sys.path for that reason).
"""

import random
import time
from statistics import median

from config.warm import warm_and_freeze

SEED = 20261203
TARGET_MS = 300.0


def _copy_model(model, rows) -> None:
    """COPY dicts into `model`'s table, every other concrete column at its default."""
    from bench.seed import _copy, _db

    fields = [f for f in model._meta.concrete_fields if not f.auto_created or f.primary_key]
    fields = [f for f in fields if f.column != "id"]
    columns = [f.column for f in fields]
    defaults = {f.column: _db(f.get_default()) for f in fields}
    for f in fields:
        if defaults[f.column] is None and not f.null:
            defaults[f.column] = ""
    _copy(model._meta.db_table, columns, ([r.get(c, defaults[c]) for c in columns] for r in rows))


def _type_rows(out) -> None:
    """The one-to-one and many-to-many rows the inbox seed leaves out (idempotent)."""
    from django.db import connection

    from cases.complaints.models import Complaint
    from cases.models import Case, Code, CodeList, Measure
    from deviations.models import Deviation
    from lexsarah.models import LexSarahReport

    missing = Case.objects.filter(kind="complaint", complaint__isnull=True)
    if not missing.exists():
        return
    started = time.perf_counter()
    rng = random.Random(SEED)

    def codes(codelist):
        return list(Code.objects.filter(codelist=codelist).values_list("pk", flat=True))

    ctype, topic = codes(CodeList.COMPLAINT_TYPE), codes(CodeList.COMPLAINT_TOPIC)
    deficiency, cause = codes(CodeList.DEFICIENCY), codes(CodeList.ROOT_CAUSE)
    mtype = codes(CodeList.MEASURE_TYPE)
    cases = list(Case.objects.values_list("pk", "kind", "closed_at"))
    by_kind: dict[str, list] = {}
    for pk, kind, closed in cases:
        by_kind.setdefault(kind, []).append((pk, closed))
    complaints = by_kind.get("complaint", [])
    _copy_model(
        Complaint,
        (
            {
                "case_id": pk,
                "source": "utomstaende" if rng.random() < 0.8 else "personal",
                "complaint_type_id": rng.choice(ctype) if ctype else None,
                "anonymous": "f",
            }
            for pk, _ in complaints
        ),
    )
    _copy_model(
        Complaint.topics.through,
        (
            {"complaint_id": pk, "code_id": t}
            for pk, _ in complaints
            for t in rng.sample(topic, min(len(topic), rng.randint(0, 2)))
        ),
    )
    deviations = by_kind.get("deviation", [])
    _copy_model(Deviation, ({"case_id": pk} for pk, _ in deviations))
    for through, pool in (
        (Deviation.deficiencies.through, deficiency),
        (Deviation.root_causes.through, cause),
    ):
        _copy_model(
            through,
            (
                {"deviation_id": pk, "code_id": c}
                for pk, _ in deviations
                for c in rng.sample(pool, min(len(pool), rng.randint(0, 3)))
            ),
        )
    _copy_model(
        Measure,
        (
            {
                "case_id": pk,
                "measure_type_id": rng.choice(mtype) if mtype and rng.random() < 0.9 else None,
                "level": "verksamhet",
                "description": "Åtgärd",
                "status": "genomford",
                "created_at": closed.isoformat(),
            }
            for pk, closed in deviations
            if closed and rng.random() < 0.7
        ),
    )
    assessments = ["inget", "risk", "missforhallande", "risk_allvarligt", "allvarligt"]
    _copy_model(
        LexSarahReport,
        (
            {
                "case_id": pk,
                "report_kind": "missforhallande",
                "assessment": rng.choice(assessments),
                "au_date": closed.date().isoformat() if closed else None,
            }
            for pk, closed in by_kind.get("lexsarah", [])
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"added the type rows of {len(cases)} cases in {time.perf_counter() - started:.1f} s")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    warm_and_freeze()  # as config.wsgi does in a worker after start
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    sql_ms = []
    for _ in range(max(runs // 3, 3)):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return {
        "runs": runs,
        "median_ms": median(times),
        "p95_ms": _p95(times),
        "queries": len(ctx.captured_queries),
        "sql_ms": median(sql_ms),
    }


def run(cases: int = 150_000, runs: int = 30, out=print) -> list[dict]:
    from urllib.parse import urlencode

    from django.utils import timezone

    from bench.clients import signed_in
    from bench.seed import seed
    from cases.models import Case, Unit

    users = seed(cases, out)
    _type_rows(out)
    total = Case.objects.count()
    client = signed_in(users["bench_quality"])
    root = Unit.objects.get(code="BENCH")
    year = timezone.localdate().year - 1  # the last full calendar year
    url = "/rapporter/statistik/?" + urlencode(
        {"unit": root.pk, "year": year, "period_start_month": 1}
    )
    row = {"name": "statistics_year_forvaltning", "rows": total, **measure(client, url, runs)}
    row["target_ms"] = TARGET_MS
    return [row]


def main(argv=None) -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    from bench.run import DEFAULT_URL, _setup_django

    _setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    ok = True
    for row in run(cases=args.cases, runs=args.runs):
        print(
            "  ".join(
                f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
            )
        )
        ok = ok and row["p95_ms"] <= row["target_ms"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
