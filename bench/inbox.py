"""Inbox benchmark at 150 000 cases (DESIGN §10; issue #4).

Seeds a separate benchmark database (never the demo or test database) with an organisation and
150 000 cases written by COPY — no history rows, acceptable for the benchmark database only —
then times the inbox view in-process (Django test client: middleware, selectors, template) and
counts its SQL queries. Target: p95 < 100 ms.
"""

import io
import random
import statistics
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
SEED_VERSION = 2  # bump to force a reseed when the distribution changes


def _org():
    """Förvaltning → 4 avdelningar → 6 sektioner → 3 enheter, and the benchmark users."""
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
    roles = {
        "bench_quality": (Role.KVALITETSSTRATEG, "BENCH"),
        "bench_avd": (Role.SEKTIONSCHEF, "B0"),
        "bench_chef": (Role.SEKTIONSCHEF, "B00"),
    }
    users = {}
    for username, (role, code) in roles.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.se"}
        )
        if not Membership.objects.filter(user=user).exists():
            membership_create(user=user, unit=Unit.objects.get(code=code), role=role)
        users[username] = user
    sections = list(Unit.objects.filter(code__startswith="B", depth=3))
    leaves = list(Unit.objects.filter(code__startswith="B", depth=4))
    handlers = []
    for i in range(40):
        user, made = User.objects.get_or_create(
            username=f"bench_handler{i}",
            defaults={"first_name": "Handläggare", "last_name": str(i)},
        )
        if made:
            membership_create(user=user, unit=sections[i % len(sections)], role=Role.SEKTIONSCHEF)
        handlers.append(user)
    # Staff memberships as in a real förvaltning, so the planner sees realistic statistics.
    for i in range(400):
        user, made = User.objects.get_or_create(username=f"bench_staff{i}")
        if made:
            membership_create(user=user, unit=leaves[i % len(leaves)], role=Role.MEDARBETARE)
    return users, handlers


def _copy(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3 cursor
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.copy(sql) as copy:
            copy.write(buffer.read())


def _case_rows(n: int, rng: random.Random, units, handlers, codes, now):
    from cases.registry import case_type
    from cases.workflow import workflow_for

    counters: dict[tuple, int] = {}
    kinds = [k for k, _ in KIND_MIX]
    weights = [w for _, w in KIND_MIX]
    for _ in range(n):
        kind = rng.choices(kinds, weights)[0]
        wf = workflow_for(kind)
        received = now - timedelta(seconds=rng.randint(0, 5 * 365 * 86400))
        # Most open cases are recent; a tail of old ones stays open (and overdue).
        recent = received > now - timedelta(days=120)
        is_open = rng.random() < (OPEN_RECENT if recent else OPEN_OLD)
        open_statuses = [s for s in wf.statuses.values if s not in wf.closed]
        status = rng.choice(open_statuses) if is_open else next(iter(wf.closed))
        key = (case_type(kind).reference_prefix, received.year)
        counters[key] = counters.get(key, 0) + 1
        due = None
        if is_open and rng.random() < 0.75:
            due = received + timedelta(days=rng.choice((2, 5, 14, 90)))
        words = rng.sample(WORDS, 4)
        yield {
            "kind": kind,
            "reference": f"{key[0]}-{key[1]}-{counters[key]:06d}",
            "unit_id": rng.choice(units),
            "title": " ".join(words).capitalize(),
            "description": " ".join(rng.choices(WORDS, k=rng.randint(10, 40))),
            "received_at": received.isoformat(),
            "closed_at": None
            if is_open
            else (received + timedelta(days=rng.randint(1, 120))).isoformat(),
            "assignee_id": rng.choice(handlers) if rng.random() < 0.6 else None,
            "status": status,
            "skyddad": "t" if rng.random() < 0.005 else "f",
            "due_at": due.isoformat() if due else None,
            "event_category_id": rng.choice(codes) if kind == "deviation" and codes else None,
            "created_at": received.isoformat(),
            "updated_at": received.isoformat(),
        }


def seed(n: int, out) -> dict:
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, Code, CodeList, Unit

    users, handlers = _org()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_membership; ANALYZE cases_unit; ANALYZE auth_user")
    have = Case.objects.filter(unit__path__startswith=Unit.objects.get(code="BENCH").path).count()
    marker = Unit.objects.get(code="BENCH")
    if have >= n and marker.public_name == f"seed-v{SEED_VERSION}":
        out(f"benchmark database already holds {have} cases")
        return users
    rng = random.Random(SEED)
    units = list(
        Unit.objects.filter(code__startswith="B", depth__gte=3).values_list("pk", flat=True)
    )
    codes = list(Code.objects.filter(codelist=CodeList.EVENT_CATEGORY).values_list("pk", flat=True))
    fields = [f for f in Case._meta.concrete_fields if f.name not in ("id", "search")]
    columns = [f.column for f in fields]
    defaults = {f.column: f.get_default() for f in fields}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Benchmark database only: start from an empty case table.
        cursor.execute(f"TRUNCATE {Case._meta.db_table} CASCADE")
    rows = (
        [row.get(col, _db(defaults[col])) for col in columns]
        for row in _case_rows(n, rng, units, [h.pk for h in handlers], codes, timezone.now())
    )
    _copy(Case._meta.db_table, columns, rows)
    _grants(handlers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    Unit.objects.filter(pk=marker.pk).update(public_name=f"seed-v{SEED_VERSION}")
    out(f"seeded {n} cases in {time.perf_counter() - started:.1f} s")
    return users


def _db(value):
    if isinstance(value, bool):
        return "t" if value else "f"
    return value


def _grants(handlers) -> None:
    """Assignment grants (view + handle) for the assigned open cases, as case_assign gives."""
    from django.contrib.auth.models import Permission

    from cases.models import Case, CaseUserObjectPermission

    perms = list(
        Permission.objects.filter(
            codename__in=("view_case", "handle_case"), content_type__app_label="cases"
        )
    )
    assigned = Case.objects.filter(closed_at__isnull=True, assignee__isnull=False)
    rows = (
        (p.pk, uid, cid) for cid, uid in assigned.values_list("pk", "assignee_id") for p in perms
    )
    table = CaseUserObjectPermission._meta.db_table
    _copy(table, ["permission_id", "user_id", "content_object_id"], rows)


def _deep_cursor(user, sort: str) -> str:
    """A cursor ~60 rows before the end of the user's inbox (OFFSET used here, in setup only)."""
    from cases.selectors.inbox import SORTS, _cursor_for, inbox_cases

    qs = inbox_cases(user)
    total = qs.count()
    segment = SORTS[sort][-1]
    ordered = qs.filter(segment.where).order_by(*segment.ordering(reverse=False))
    case = ordered[max(ordered.count() - 60, 0)] if total else None
    return _cursor_for(case, sort).encode() if case else ""


def _measure(client, url: str, runs: int) -> tuple[list[float], int, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    sql_ms = []
    for _ in range(max(runs // 3, 3)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    rows = response.content.decode().count("data-case-row ")
    return times, len(ctx.captured_queries), rows, statistics.median(sql_ms)


def _api_page(total: int, runs: int) -> tuple:
    """A BI tool's nightly read (issue 21): /api/v1/cases/ 100 rows a page, as an integration
    whose membership is the whole organisation's kvalitetsstrateg (the widest scope)."""
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import IntegrationAccount, Role, Unit
    from cases.services.integrations import (
        integration_account_create,
        integration_account_grant,
        integration_account_rotate,
    )

    root = Unit.objects.get(code="BENCH")
    account = IntegrationAccount.objects.filter(name="Bench BI").first()
    if account is None:
        account, key = integration_account_create(name="Bench BI", actor=None, reason="Bench")
        integration_account_grant(
            account=account, unit=root, role=Role.KVALITETSSTRATEG, actor=None, reason="Bench"
        )
    else:
        key = integration_account_rotate(account=account, actor=None, reason="Bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = "/api/v1/cases/?limit=100"
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    sql_ms = []
    for _ in range(max(runs // 3, 3)):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    shown = len(json.loads(response.content)["results"])
    return (
        "api_cases_page_100",
        total,
        runs,
        statistics.median(times),
        _p95(times),
        len(ctx.captured_queries),
        shown,
        statistics.median(sql_ms),
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run(*, cases: int = 150_000, runs: int = 30, out=print) -> list[tuple]:
    from urllib.parse import urlencode

    from django.test import Client

    from cases.models import Case, Unit

    users = seed(cases, out)
    total = Case.objects.count()
    quality, chef = users["bench_quality"], users["bench_avd"]
    avd = Unit.objects.get(code="B1")
    scenarios = [
        ("inbox_first_page", quality, {}),
        ("inbox_first_page_chef", chef, {}),
        ("inbox_filtered", quality, {"kind": "deviation", "unit": avd.pk, "overdue": "on"}),
        ("inbox_search", quality, {"q": "läkemedel dos"}),
        ("inbox_deep_keyset", quality, {"efter": _deep_cursor(quality, "newest")}),
        ("inbox_overdue_sort", quality, {"sort": "overdue"}),
        (
            "inbox_overdue_deep",
            quality,
            {"sort": "overdue", "efter": _deep_cursor(quality, "overdue")},
        ),
    ]
    results = [_api_page(total, runs)]
    for name, user, params in scenarios:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        times, queries, shown, sql_ms = _measure(client, "/inkorg/?" + urlencode(params), runs)
        results.append(
            (name, total, runs, statistics.median(times), _p95(times), queries, shown, sql_ms)
        )
    return results
