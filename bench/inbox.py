"""Inbox benchmark at 150 000 cases (DESIGN §10; issue #4).

Seeds a separate benchmark database (never the demo or test database) through bench/seed.py
(150 000 cases by COPY with the shape of real ones: type rows, codes, history, measures, notes,
attachments, hundreds of staff), then times the inbox view in-process (Django test client:
middleware, selectors, template) and counts its SQL queries. Target: p95 ≤ 50 ms (issue 16).
"""

import statistics
import time

from bench.clients import signed_in
from bench.seed import seed
from config.warm import warm_and_freeze


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
    warm_and_freeze()  # as config.wsgi does in a worker after start
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
    warm_and_freeze()  # as config.wsgi does in a worker after start
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
        client = signed_in(user)
        times, queries, shown, sql_ms = _measure(client, "/inkorg/?" + urlencode(params), runs)
        results.append(
            (name, total, runs, statistics.median(times), _p95(times), queries, shown, sql_ms)
        )
    return results
