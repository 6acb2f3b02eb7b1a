"""SPC and cross-type pattern blocks (issue 17 points 4–5) over the kvalitetsberättelse
benchmark's data: 150 000 cases over ten years, seeded by bench/kvalitetsberattelse.py into
its own database (BENCH_REPORT_DATABASE_URL). Prints the median wall time and the number of
queries of each block for the whole förvaltning (all verksamhetsområden and case types).

    BENCH_REPORT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_report_spc \\
        .venv/bin/python bench/spc.py [--cases 150000] [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6399/0"
    from bench.kvalitetsberattelse import DEFAULT_URL, YEAR, seed
    from bench.run import _setup_django

    _setup_django(os.environ.get("BENCH_REPORT_DATABASE_URL", DEFAULT_URL))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case, Unit
    from reports.editions.blocks import BlockScope, compute_block

    seed(args.cases, print)
    unit = Unit.objects.get(code="KB")
    print(f"{'block':<12}  {'cases':>8}  {'median_ms':>10}  {'max_ms':>8}  {'queries':>8}  signals")
    for block_type in ("spc", "patterns"):
        times, queries, result = [], 0, None
        for _ in range(args.runs):
            scope = BlockScope(unit=unit, year=YEAR, cases=Case.objects.all())
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                result = compute_block(block_type, {}, scope)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
        print(
            f"{block_type:<12}  {args.cases:>8}  {statistics.median(times):>10.0f}  "
            f"{max(times):>8.0f}  {queries:>8}  {len(result['sentences'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
