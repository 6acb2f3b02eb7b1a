"""Benchmark runner for `make bench` (placeholder until the benchmarks are written).

Each benchmark will print one row: name, rows in the database, runs, median and p95 in ms.
"""

HEADER = ("benchmark", "rows", "runs", "median_ms", "p95_ms")


def main() -> int:
    print("  ".join(f"{col:<12}" for col in HEADER).rstrip())
    print("no benchmarks yet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
