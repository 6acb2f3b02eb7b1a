"""Benchmark data with the shape of real cases (DESIGN §10; issue 16 point 4).

Seeds a benchmark database (never the demo or test database) by COPY: an organisation of 73
units, hundreds of staff with memberships, one user per role, long code lists, and `n` cases
over five years with what real cases carry — the type's own row (deviation, complaint, lex
Sarah report) with its code-list choices, history rows for the case and every part, measures,
notes and attachments (rows only; every attachment points at one tiny shared file). The data
come from a seeded random generator, so two seeds of the same size are identical.

The services write history rows with user and reason; the seed writes the same rows directly,
which is acceptable for a benchmark database only. 150 000 cases take a few minutes and
1 500 000 (`bench/run.py --scale`) tens of minutes at most on two cores.
"""

import io
import random
import time
from datetime import timedelta

SEED = 20250601
WORDS = (
    "läkemedel dos insats beslut journal dokumentation bemötande samverkan rutin överlämning "
    "hemtjänst boende placering utredning barn vårdnadshavare kontakt besök telefon brev "
    "handläggning försening information avvikelse personal nattpersonal larm fall skada "
    "matsituation hygien kommunikation tolk sekretess utbetalning bistånd ansökan avslag"
).split()
KIND_MIX = (("deviation", 0.5), ("complaint", 0.35), ("lexsarah", 0.15))
OPEN_RECENT = 0.6
OPEN_OLD = 0.03
SEED_VERSION = 3  # bump to force a reseed when the distribution changes
# Long code lists, as a förvaltning's own catalogue grows over the years (the migrations give
# about ten codes a list).
EXTRA_CODES = {"deficiency": 80, "root_cause": 60, "complaint_topic": 40, "measure_type": 30}
STAFF = 400
HANDLERS = 40
# The cases the case-page benchmark opens: one per type with a long history and several
# measures, notes and attachments (references BENCH-<kind>-LONG).
LONG_HISTORY = 60
LONG_MEASURES = 6
COPY_CHUNK = 50_000
# One user per role for the start page (username: role, unit code).
ROLE_USERS = {
    "bench_quality": ("kvalitetsstrateg", "BENCH"),
    "bench_avd": ("sektionschef", "B0"),
    "bench_chef": ("sektionschef", "B00"),
    "bench_utredare": ("utredare", "BENCH"),
    "bench_au": ("arbetsutskott", "BENCH"),
    "bench_admin": ("administrator", "BENCH"),
    # A medarbetare who reports a lot: the start page lists their own reports.
    "bench_staff0": ("medarbetare", "B000"),
}


def _org():
    """Förvaltning → 4 avdelningar → 6 sektioner → 3 enheter, one user per role, handlers and
    staff. Idempotent: units and users are looked up by code/username."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role, Unit, UnitKind
    from cases.services.org import membership_create, unit_create

    root = Unit.objects.filter(code="BENCH").first()
    kinds = {k.code: k for k in UnitKind.objects.all()}
    if root is None:
        root = unit_create(code="BENCH", name="Bänkförvaltningen", kind=kinds["forvaltning"])
        for a in range(4):
            avd = unit_create(
                code=f"B{a}", name=f"Avdelning {a}", kind=kinds["avdelning"], parent=root
            )
            for s in range(6):
                sek = unit_create(
                    code=f"B{a}{s}", name=f"Sektion {a}.{s}", kind=kinds["sektion"], parent=avd
                )
                for e in range(3):
                    unit_create(
                        code=f"B{a}{s}{e}",
                        name=f"Enhet {a}.{s}.{e}",
                        kind=kinds["enhet"],
                        parent=sek,
                    )
    User = get_user_model()
    users = {}
    for username, (role, code) in ROLE_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.se", "first_name": "Bänk", "last_name": role},
        )
        if not Membership.objects.filter(user=user).exists():
            membership_create(user=user, unit=Unit.objects.get(code=code), role=Role(role))
        users[username] = user
    sections = list(Unit.objects.filter(code__startswith="B", depth=3))
    leaves = list(Unit.objects.filter(code__startswith="B", depth=4))
    handlers = []
    for i in range(HANDLERS):
        user, made = User.objects.get_or_create(
            username=f"bench_handler{i}",
            defaults={"first_name": "Handläggare", "last_name": str(i)},
        )
        if made:
            membership_create(user=user, unit=sections[i % len(sections)], role=Role.SEKTIONSCHEF)
        handlers.append(user)
    # Staff memberships as in a real förvaltning, so the planner sees realistic statistics.
    staff = [users["bench_staff0"]]
    for i in range(1, STAFF):
        user, made = User.objects.get_or_create(
            username=f"bench_staff{i}", defaults={"first_name": "Medarbetare", "last_name": str(i)}
        )
        if made:
            membership_create(user=user, unit=leaves[i % len(leaves)], role=Role.MEDARBETARE)
        staff.append(user)
    return users, handlers, staff


def _codes() -> dict[str, list[int]]:
    """The code lists, made long (EXTRA_CODES), by list."""
    from cases.models import Code

    for codelist, count in EXTRA_CODES.items():
        have = set(Code.objects.filter(codelist=codelist).values_list("code", flat=True))
        Code.objects.bulk_create(
            Code(codelist=codelist, code=f"bench-{i}", label=f"Bänkkod {codelist} {i}", order=i)
            for i in range(count)
            if f"bench-{i}" not in have
        )
    by_list: dict[str, list[int]] = {}
    for pk, codelist in Code.objects.values_list("pk", "codelist"):
        by_list.setdefault(codelist, []).append(pk)
    return by_list


def _value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _db(value):
    """A field default as COPY text expects it (the report and statistics seeds)."""
    return _value(value) if isinstance(value, bool) else value


class Copier:
    """COPY rows of one model (dicts keyed by attname; fields left out take their default) in
    chunks, so 1.5 million cases never sit in memory at once."""

    def __init__(self, model, *, with_pk: bool = True):
        fields = [
            f
            for f in model._meta.concrete_fields
            if not getattr(f, "generated", False) and (with_pk or not f.primary_key)
        ]
        self.table = model._meta.db_table
        self.attnames = [f.attname for f in fields]
        self.columns = [f.column for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0

    def add(self, row: dict) -> None:
        self.buffer.write(
            "\t".join(_value(row.get(a, self.defaults[a])) for a in self.attnames) + "\n"
        )
        self.pending += 1

    def flush(self) -> None:
        from django.db import connection

        if not self.pending:
            return
        with connection.cursor() as cursor:
            sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:  # psycopg 3 cursor
                copy.write(self.buffer.getvalue())
        self.written += self.pending
        self.buffer = io.StringIO()
        self.pending = 0


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY plain tuples into `table` (the guardian grants)."""
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_value(v) for v in row) + "\n")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())


class _Ids:
    """Explicit primary keys, so parts and history rows can point at rows not yet written."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def _tables():
    from cases.complaints.models import Complaint
    from cases.models import Attachment, Case, Measure, Note
    from deviations.models import Deviation
    from lexsarah.models import LexSarahReport

    models = [Case, Deviation, Complaint, LexSarahReport, Measure, Note, Attachment]
    m2m = [
        Deviation.deficiencies.through,
        Deviation.root_causes.through,
        Complaint.topics.through,
    ]
    return models, m2m


class _Writer:
    """Everything one case brings: its rows and their history rows."""

    def __init__(self, rng: random.Random, codes: dict, staff: list[int], handlers: list[int]):
        from cases.models import Attachment, Case, Measure, Note

        self.rng, self.codes, self.staff, self.handlers = rng, codes, staff, handlers
        self.ids = _Ids()
        models, m2m = _tables()
        self.copiers = {m: Copier(m) for m in models}
        self.history = {m: Copier(m.history.model, with_pk=False) for m in models}
        self.m2m = {m: Copier(m) for m in m2m}
        self.Case, self.Measure, self.Note, self.Attachment = Case, Measure, Note, Attachment
        from cases.workflow import workflow_for

        self.initial = {k: workflow_for(k).initial for k, _ in KIND_MIX}

    def full(self) -> bool:
        return any(c.pending >= COPY_CHUNK for c in self.copiers.values())

    def flush(self) -> None:
        # All tables at once, parents first, so memory stays bounded.
        for copier in [*self.copiers.values(), *self.m2m.values(), *self.history.values()]:
            copier.flush()

    def _history(self, model, row: dict, at, kind: str, user, reason: str = "") -> None:
        self.history[model].add(
            {
                **row,
                "history_date": at,
                "history_type": kind,
                "history_user_id": user,
                "history_change_reason": reason or None,
            }
        )

    def case(self, row: dict, *, long: bool = False) -> None:
        rng = self.rng
        case_id = row["id"]
        received, closed = row["received_at"], row["closed_at"]
        reporter = row["reporter_id"]
        self.copiers[self.Case].add(row)
        # History: reported, assigned, (status steps), closed — as the services write it.
        first = {**row, "status": self.initial[row["kind"]], "closed_at": None}
        self._history(self.Case, first, received, "+", reporter, "Rapporterad")
        steps = LONG_HISTORY if long else rng.choice((0, 1, 1, 2, 3))
        span = ((closed or received + timedelta(days=30)) - received) / (steps + 2)
        for step in range(steps):
            at = received + span * (step + 1)
            self._history(self.Case, row, at, "~", row["assignee_id"], "Handläggning")
        if closed:
            self._history(self.Case, row, closed, "~", row["assignee_id"], "Avslutat")
        self._type_row(row, long)
        measures = LONG_MEASURES if long else (rng.choice((0, 0, 1, 2)) if closed else 0)
        for _ in range(measures):
            self._measure(row)
        for _ in range(8 if long else rng.choice((0, 0, 0, 1, 2))):
            note = {
                "id": self.ids("note"),
                "case_id": case_id,
                "author_id": row["assignee_id"] or reporter,
                "text": " ".join(rng.choices(WORDS, k=rng.randint(8, 30))),
                "created_at": received + timedelta(days=rng.randint(0, 20)),
            }
            self.copiers[self.Note].add(note)
            self._history(self.Note, note, note["created_at"], "+", note["author_id"])
        for _ in range(3 if long else (1 if rng.random() < 0.1 else 0)):
            attachment = {
                "id": self.ids("attachment"),
                "case_id": case_id,
                "file": "bench/bilaga.txt",
                "original_name": f"{rng.choice(WORDS)}.pdf",
                "content_type": "application/pdf",
                "size": rng.randint(10_000, 2_000_000),
                "sha256": "0" * 64,
                "uploaded_by_id": reporter,
                "uploaded_at": received,
            }
            self.copiers[self.Attachment].add(attachment)
            self._history(self.Attachment, attachment, received, "+", reporter)

    def _measure(self, row: dict) -> None:
        rng = self.rng
        done = row["closed_at"] is not None and rng.random() < 0.8
        created = row["received_at"] + timedelta(days=rng.randint(1, 30))
        measure = {
            "id": self.ids("measure"),
            "case_id": row["id"],
            "measure_type_id": rng.choice(self.codes["measure_type"]),
            "level": rng.choice(("arende", "medarbetare", "arbetsgrupp", "verksamhet")),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(6, 20))).capitalize(),
            "responsible_id": rng.choice(self.handlers),
            "due_date": (created + timedelta(days=60)).date(),
            "status": "genomford" if done else "planerad",
            "completed_on": (created + timedelta(days=40)).date() if done else None,
            "created_by_id": row["assignee_id"],
            "created_at": created,
        }
        self.copiers[self.Measure].add(measure)
        self._history(self.Measure, {**measure, "status": "planerad"}, created, "+", None)
        if done:
            self._history(self.Measure, measure, created + timedelta(days=40), "~", None)

    def _type_row(self, row: dict, long: bool) -> None:
        from cases.complaints.models import Complaint
        from deviations.models import Deviation
        from lexsarah.models import LexSarahReport

        rng, codes, case_id = self.rng, self.codes, row["id"]
        at, user = row["received_at"], row["reporter_id"]
        if row["kind"] == "deviation":
            part = {
                "case_id": case_id,
                "immediate_consequence": " ".join(rng.choices(WORDS, k=8)),
                "consequence_id": rng.choice(codes["consequence"]),
                "concerns_child": rng.random() < 0.3,
            }
            model, links = (
                Deviation,
                [
                    (Deviation.deficiencies.through, "deviation_id", "deficiency", 3),
                    (Deviation.root_causes.through, "deviation_id", "root_cause", 2),
                ],
            )
        elif row["kind"] == "complaint":
            part = {
                "case_id": case_id,
                "source": rng.choice(("utomstaende", "personal")),
                "complaint_type_id": rng.choice(codes["complaint_type"]),
                "sender_category_id": rng.choice(codes["sender_category"]),
                "channel_id": rng.choice(codes["channel"]),
                "sender_name": "Avsändare",
            }
            model, links = (
                Complaint,
                [(Complaint.topics.through, "complaint_id", "complaint_topic", 3)],
            )
        else:
            part = {
                "case_id": case_id,
                "reporter_type_id": rng.choice(codes["reporter_type"]),
                "occurred_at": at - timedelta(days=1),
                "persons_affected": "En brukare",
                "assessment": ("allvarligt" if rng.random() < 0.3 else "inget")
                if row["closed_at"]
                else "",
            }
            model, links = LexSarahReport, []
        self.copiers[model].add(part)
        self._history(model, part, at, "+", user)
        for through, fk, codelist, most in links:
            picked = rng.sample(codes[codelist], (most + 2) if long else rng.randint(0, most))
            for code in picked:
                self.m2m[through].add(
                    {"id": self.ids(through._meta.db_table), fk: case_id, "code_id": code}
                )


def _case_rows(n: int, rng: random.Random, units, handlers, staff, codes, now):
    from cases.registry import case_type
    from cases.workflow import workflow_for

    counters: dict[tuple, int] = {}
    kinds = [k for k, _ in KIND_MIX]
    weights = [w for _, w in KIND_MIX]
    flows = {k: workflow_for(k) for k in kinds}
    prefixes = {k: case_type(k).reference_prefix for k in kinds}
    open_statuses = {
        k: [s for s in wf.statuses.values if s not in wf.closed] for k, wf in flows.items()
    }
    closed_status = {k: next(iter(wf.closed)) for k, wf in flows.items()}
    for i in range(1, n + 1):
        kind = rng.choices(kinds, weights)[0]
        received = now - timedelta(seconds=rng.randint(0, 5 * 365 * 86400))
        # Most open cases are recent; a tail of old ones stays open (and overdue).
        recent = received > now - timedelta(days=120)
        is_open = rng.random() < (OPEN_RECENT if recent else OPEN_OLD)
        status = rng.choice(open_statuses[kind]) if is_open else closed_status[kind]
        key = (prefixes[kind], received.year)
        counters[key] = counters.get(key, 0) + 1
        due = None
        if is_open and rng.random() < 0.75:
            due = received + timedelta(days=rng.choice((2, 5, 14, 90)))
        words = rng.sample(WORDS, 4)
        yield {
            "id": i,
            "kind": kind,
            "reference": f"{key[0]}-{key[1]}-{counters[key]:06d}",
            "unit_id": rng.choice(units),
            "title": " ".join(words).capitalize(),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(10, 40))),
            "occurred_on": (received - timedelta(days=1)).date(),
            "received_at": received,
            "closed_at": None if is_open else received + timedelta(days=rng.randint(1, 120)),
            "reporter_id": rng.choice(staff),
            "assignee_id": rng.choice(handlers) if rng.random() < 0.6 else None,
            "status": status,
            "skyddad": rng.random() < 0.005,
            "due_at": due,
            "event_category_id": rng.choice(codes["event_category"])
            if kind == "deviation"
            else None,
            "created_at": received,
            "updated_at": received,
        }


def long_case_reference(kind: str) -> str:
    return f"BENCH-{kind}-LONG"


def seed(n: int, out=print) -> dict:
    """Seed `n` cases (once: a second call with the same size and SEED_VERSION does nothing);
    returns the role users by username."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, Unit

    started = time.perf_counter()
    users, handlers, staff = _org()
    marker = Unit.objects.get(code="BENCH")
    have = Case.objects.count()
    if have >= n and marker.public_name == f"seed-v{SEED_VERSION}":
        out(f"benchmark database already holds {have} cases")
        return users
    codes = _codes()
    models, m2m = _tables()
    with connection.cursor() as cursor:
        # Benchmark database only: start from empty case tables.
        tables = [m._meta.db_table for m in models] + [
            m.history.model._meta.db_table for m in models
        ]
        tables += [t._meta.db_table for t in m2m]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        # The rows are consistent by construction; without the FK triggers COPY is several
        # times faster (benchmark database only; superuser, as the bench's own server is).
        cursor.execute("SET session_replication_role = replica")
        # Secondary indexes are built once after the COPY, not row by row (the full-text GIN
        # index above all); the ones behind constraints (primary keys, unique) stay.
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        rng = random.Random(SEED)
        units = list(
            Unit.objects.filter(code__startswith="B", depth__gte=3).values_list("pk", flat=True)
        )
        handler_ids = [h.pk for h in handlers]
        utredare = users["bench_utredare"].pk
        staff_ids = [s.pk for s in staff]
        # bench_staff0 reports more than anyone (a start page with a full "my reports" list).
        staff_ids += [staff_ids[0]] * 20
        writer = _Writer(rng, codes, staff_ids, handler_ids)
        now = timezone.now()
        for row in _case_rows(n, rng, units, handler_ids, staff_ids, codes, now):
            if row["kind"] == "lexsarah" and row["assignee_id"] and rng.random() < 0.1:
                row["assignee_id"] = utredare  # the utredare's own investigations
            writer.case(row)
            if writer.full():
                writer.flush()
        # One case per type with a long history, several measures, notes and attachments.
        for kind in ("deviation", "complaint", "lexsarah"):
            received = now - timedelta(days=40)
            row = {
                "id": n + 1 + ("deviation", "complaint", "lexsarah").index(kind),
                "kind": kind,
                "reference": long_case_reference(kind),
                "unit_id": units[0],
                "title": "Ärende med lång historik",
                "description": " ".join(rng.choices(WORDS, k=60)),
                "occurred_on": (received - timedelta(days=1)).date(),
                "received_at": received,
                "closed_at": None,
                "reporter_id": staff_ids[1],
                "assignee_id": handler_ids[0],
                "status": "utredning" if kind != "complaint" else "under_utredning",
                "skyddad": False,
                "due_at": now + timedelta(days=5),
                "event_category_id": codes["event_category"][0] if kind == "deviation" else None,
                "created_at": received,
                "updated_at": received,
            }
            writer.case(row, long=True)
        writer.flush()
    finally:
        # Even after a failed COPY: the database keeps its indexes.
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(
                    definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                )
    out(f"copied {n + 3} cases in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        for model in [*models, *m2m, *(m.history.model for m in models)]:
            pk = model._meta.pk
            if pk.get_internal_type() in ("AutoField", "BigAutoField"):
                table = model._meta.db_table
                # Table and column names come from the models, not from input.
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{pk.column}'), "  # noqa: S608
                    f"COALESCE(MAX({pk.column}), 1)) FROM {table}"
                )
    _grants(handler_ids + [utredare])
    # The COPY ran without triggers (replica): the statistics tables (case tally, case facts,
    # code tally) are recounted once, or the statistics would count an empty tally.
    call_command("rebuild_case_tally")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    Unit.objects.filter(pk=marker.pk).update(public_name=f"seed-v{SEED_VERSION}")
    out(f"seeded {n + 3} cases in {time.perf_counter() - started:.1f} s")
    return users


def _grants(user_ids: list[int]) -> None:
    """Assignment grants (view + handle) for the assigned open cases, as case_assign gives."""
    from django.contrib.auth.models import Permission

    from cases.models import Case, CaseUserObjectPermission

    perms = list(
        Permission.objects.filter(
            codename__in=("view_case", "handle_case"), content_type__app_label="cases"
        )
    )
    assigned = Case.objects.filter(closed_at__isnull=True, assignee__in=user_ids)
    rows = (
        (p.pk, uid, cid) for cid, uid in assigned.values_list("pk", "assignee_id") for p in perms
    )
    table = CaseUserObjectPermission._meta.db_table
    _copy(table, ["permission_id", "user_id", "content_object_id"], rows)


def main(argv=None) -> int:
    """Seed only: `.venv/bin/python bench/seed.py --cases 1500000` (BENCH_DATABASE_URL)."""
    import argparse
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.run import DEFAULT_URL, _setup_django

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--cases", type=int, default=150_000)
    args = parser.parse_args(argv)
    _setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    seed(args.cases)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
