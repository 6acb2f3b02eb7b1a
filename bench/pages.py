"""Case page and start page benchmark (issue 16 point 2).

Times, in-process (Django test client: middleware, selectors, template, access-log write), the
case page of each type — the seeded case with a long history, several measures, notes and
attachments (bench/seed.py), opened by the sektionschef who handles it — and the start page of
every role. Targets: case page p95 ≤ 40 ms and ≤ 15 queries; start page p95 ≤ 60 ms.
"""

import statistics
import time

from bench.clients import signed_in
from bench.seed import long_case_reference, seed
from config.warm import warm_and_freeze

CASE_PAGE_TARGET_MS = 40.0
CASE_PAGE_MAX_QUERIES = 15
START_PAGE_TARGET_MS = 60.0
# The start page of every role (bench/seed.py ROLE_USERS).
START_USERS = (
    ("medarbetare", "bench_staff0"),
    ("sektionschef", "bench_chef"),
    ("sektionschef_avd", "bench_avd"),
    ("utredare", "bench_utredare"),
    ("arbetsutskott", "bench_au"),
    ("kvalitetsstrateg", "bench_quality"),
    ("administrator", "bench_admin"),
)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure(client, url: str, runs: int) -> dict:
    """Median and p95 wall time of `runs` GETs after three warm-up GETs, then the queries and
    the SQL time of one request (median over a few)."""
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
            client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return {
        "runs": runs,
        "median_ms": statistics.median(times),
        "p95_ms": p95(times),
        "queries": len(ctx.captured_queries),
        "sql_ms": statistics.median(sql_ms),
    }


def _client(user):
    return signed_in(user)


def run(cases: int = 150_000, runs: int = 30, out=print) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cases.models import Case

    seed(cases, out)
    total = Case.objects.count()
    User = get_user_model()
    chef = User.objects.get(username="bench_chef")
    results = []
    for kind in ("deviation", "complaint", "lexsarah"):
        url = reverse("cases:detail", args=[long_case_reference(kind)])
        row = measure(_client(chef), url, runs)
        results.append(
            {
                "name": f"case_page_{kind}",
                "rows": total,
                **row,
                "target_ms": CASE_PAGE_TARGET_MS,
                "max_queries": CASE_PAGE_MAX_QUERIES,
            }
        )
    for role, username in START_USERS:
        row = measure(_client(User.objects.get(username=username)), "/", runs)
        results.append(
            {"name": f"start_page_{role}", "rows": total, **row, "target_ms": START_PAGE_TARGET_MS}
        )
    return results
