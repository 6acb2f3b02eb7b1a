"""Benchmark runner for `make bench` (DESIGN §10; issue 16 point 7).

Prints one table — every row, its target and its ratio to target — and writes the same as JSON
to bench/last.json. Runs against its own database, `BENCH_DATABASE_URL` (default
postgres://postgres@127.0.0.1:5432/avvika_bench), created if missing and seeded by
bench/seed.py, so demo and test data stay untouched.

    .venv/bin/python bench/run.py [--cases 150000] [--runs 30] [--import-rows 100000]
                                  [--only inbox pages statistics throughput import report] [--scale]
                                  [--scale-from bench/last_scale.json] [--json bench/last.json]

The contract of a bench module (MODULES): `run(cases=..., runs=...) -> list[dict]`, one dict a
row with the keys name, rows, runs, median_ms, p95_ms, queries, sql_ms and target_ms; optional
`unit` (default "ms"; e.g. "s" or "req/s" for rows that are not page times, the figures then in
that unit under the same keys), `higher_is_better` (throughput rows: the ratio is then
target/value) and `max_queries` (a query budget, flagged like the target). A module that still
returns the old tuples (name, rows, runs, median, p95, queries, shown, sql_ms) is adapted.

The import (bench/imports.py) and the kvalitetsberättelse compile (bench/kvalitetsberattelse.py)
run in child processes against their own databases; their rows (seconds, and the compile's
peak memory in MB) join the one table and bench/last.json.

`--scale` also seeds a second database (`BENCH_SCALE_DATABASE_URL`, default the bench database
name + `_scale`) with ten times the cases (`--scale-cases`, default 1 500 000), measures the
page rows there in a child process, and prints each page row at both sizes with the growth
factor, against the targets at ten times the data (inbox ≤ 100 ms, case page ≤ 50 ms).
`--scale-from FILE` compares with a JSON measured before at that size instead (the seed of
1.5 million cases takes a while: `BENCH_DATABASE_URL=…_scale bench/run.py --cases 1500000
--only inbox pages --json bench/last_scale.json`).
"""

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/avvika_bench"
# In-process modules, measured against the bench database (the contract above).
MODULES = {
    "inbox": "bench.inbox",
    "pages": "bench.pages",
    "statistics": "bench.statistics",
    # gunicorn 1/2/4 workers under locust, 60 s each, on its own database (issue 16 point 5).
    "throughput": "bench.throughput",
}
# Modules that seed their own, smaller database instead of the runner's --cases.
OWN_SIZE = {"throughput"}
# Modules whose rows are pages, compared at both sizes by --scale.
PAGE_MODULES = ("inbox", "pages", "statistics")
# Targets for modules that still return tuples (issue 16: every inbox row p95 ≤ 50 ms; the
# API page, issue 21, ≤ 50 ms).
TUPLE_TARGET_MS = {"inbox": 50.0}
# Targets at ten times the data (issue 16 point 4), by row-name prefix.
SCALE_TARGETS_MS = {
    "inbox_": 100.0,
    "api_": 100.0,
    "case_page_": 50.0,
    "statistics_": 1000.0,
}
COLUMNS = (
    ("name", "<30"),
    ("rows", ">9"),
    ("runs", ">5"),
    ("p50", ">9"),
    ("p95", ">9"),
    ("queries", ">8"),
    ("sql_ms", ">8"),
    ("target", ">8"),
    ("ratio", ">7"),
    ("flag", "<6"),
)


def _setup_django(url: str) -> None:
    # A script run from bench/ has bench/ on sys.path, where bench/statistics.py would shadow
    # the standard library's `statistics`: import the benchmarks as the `bench` package only.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("AVVIKA_TESTING", "1")  # no HTTPS redirect for the in-process client
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    # The pages are measured, not the sign-in: the bench users are logged in directly and have
    # no second factor, which production (DEBUG=0) would otherwise ask for first.
    os.environ.setdefault("AVVIKA_REQUIRE_2FA", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import logging

    # django-axes logs every force_login; the table is the output.
    logging.getLogger("axes").setLevel(logging.WARNING)


def _create_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def adapt(module: str, row) -> dict:
    """A row of the contract from a dict, or from the old tuple."""
    if isinstance(row, dict):
        return {"module": module, "unit": "ms", "higher_is_better": False, **row}
    name, total, runs, median, p95, queries, shown, sql_ms = row
    target = 50.0 if name.startswith("api_") else TUPLE_TARGET_MS.get(module, 100.0)
    return {
        "module": module,
        "name": name,
        "rows": total,
        "runs": runs,
        "median_ms": median,
        "p95_ms": p95,
        "queries": queries,
        "sql_ms": sql_ms,
        "target_ms": target,
        "shown": shown,
        "unit": "ms",
        "higher_is_better": False,
    }


def judge(row: dict) -> dict:
    """Ratio to target (p95/target; target/value when higher is better) and the flag. A row
    without a time target (throughput under load) passes on zero errors alone."""
    value, target = row["p95_ms"], row["target_ms"]
    if target is None:
        ok = row.get("errors", 0) == 0
        return {**row, "ratio": None, "ok": ok, "flag": "ok" if ok else "ERRORS"}
    if row.get("higher_is_better"):
        ratio = target / value if value else float("inf")
    else:
        ratio = value / target if target else float("inf")
    over_queries = row.get("max_queries") is not None and row["queries"] > row["max_queries"]
    ok = ratio <= 1.0 and not over_queries and row.get("created_all", True)
    flag = "ok" if ok else ("QUERIES" if ratio <= 1.0 else "MISS")
    return {**row, "ratio": ratio, "ok": ok, "flag": flag}


def _fmt(value, spec: str) -> str:
    if isinstance(value, float):
        value = f"{value:.2f}" if spec.startswith(">7") else f"{value:.1f}"
    return f"{'' if value is None else value:{spec}}"


def print_table(rows: list[dict]) -> None:
    print("  ".join(_fmt(name, spec) for name, spec in COLUMNS))
    for row in rows:
        unit = row.get("unit", "ms")
        cells = {
            "name": row["name"] if unit == "ms" else f"{row['name']} ({unit})",
            "rows": row["rows"],
            "runs": row["runs"],
            "p50": row["median_ms"],
            "p95": row["p95_ms"],
            "queries": row["queries"],
            "sql_ms": row["sql_ms"],
            "target": row["target_ms"],
            "ratio": row["ratio"],
            "flag": row["flag"],
        }
        print("  ".join(_fmt(cells[name], spec) for name, spec in COLUMNS))


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "load_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def run_modules(names: list[str], cases: int, runs: int) -> list[dict]:
    _setup_django(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    rows = []
    for name in names:
        module = importlib.import_module(MODULES[name])
        sized = {} if name in OWN_SIZE else {"cases": cases}
        rows += [judge(adapt(name, r)) for r in module.run(runs=runs, **sized)]
    return rows


def _scale(args, base_rows: list[dict]) -> list[dict]:
    """The page rows at ten times the data, in a child process on its own database."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scale_url = os.environ.get("BENCH_SCALE_DATABASE_URL", url + "_scale")
    out = HERE / "last_scale.json"
    env = {**os.environ, "BENCH_DATABASE_URL": scale_url}
    command = [sys.executable, str(HERE / "run.py"), "--cases", str(args.scale_cases)]
    command += ["--runs", str(args.runs), "--json", str(out), "--only", *PAGE_MODULES]
    if args.scale_from is None:
        subprocess.run(command, env=env, check=False)  # noqa: S603 - our own script
    else:
        out = args.scale_from  # measured before (the 1.5M seed takes long)
    scaled = json.loads(out.read_text())["rows"]
    return compare(base_rows, scaled, args.cases, args.scale_cases)


def compare(base_rows: list[dict], scaled_rows: list[dict], small: int, large: int) -> list[dict]:
    """Each page row at both sizes, the growth factor and the target at the larger size;
    printed and returned (bench/last.json's "scale")."""
    scaled = {r["name"]: r for r in scaled_rows}
    comparison = []
    for row in base_rows:
        big = scaled.get(row["name"])
        if row["module"] not in PAGE_MODULES or big is None:
            continue
        target = next(
            (t for prefix, t in SCALE_TARGETS_MS.items() if row["name"].startswith(prefix)),
            row["target_ms"],
        )
        comparison.append(
            {
                "name": row["name"],
                "rows_small": row["rows"],
                "rows_large": big["rows"],
                "p95_small_ms": row["p95_ms"],
                "p95_large_ms": big["p95_ms"],
                "growth": big["p95_ms"] / row["p95_ms"] if row["p95_ms"] else None,
                "queries_small": row["queries"],
                "queries_large": big["queries"],
                "target_large_ms": target,
                "ok": big["p95_ms"] <= target,
            }
        )
    print(f"\nTen times the data ({small} → {large} cases), p95 ms")
    print(f"{'name':<30}  {'small':>8}  {'large':>8}  {'growth':>6}  {'target':>7}  flag")
    for c in comparison:
        print(
            f"{c['name']:<30}  {c['p95_small_ms']:>8.1f}  {c['p95_large_ms']:>8.1f}  "
            f"{c['growth']:>6.2f}  {c['target_large_ms']:>7.1f}  {'ok' if c['ok'] else 'MISS'}"
        )
    return comparison


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--only", nargs="+", choices=[*MODULES, "import", "report"])
    parser.add_argument("--scale", action="store_true", help="also measure at --scale-cases")
    parser.add_argument("--scale-cases", type=int, default=1_500_000)
    parser.add_argument(
        "--scale-from", type=Path, help="compare with this JSON of a run at --scale-cases"
    )
    parser.add_argument("--json", type=Path, default=HERE / "last.json")
    args = parser.parse_args(argv)
    wanted = args.only or [*MODULES, "import", "report"]
    rows = run_modules([m for m in MODULES if m in wanted], args.cases, args.runs)
    if "import" in wanted:
        # Its own process: its own database and Django setup (issue #9).
        rows += _child("import", "imports.py", "--rows", str(args.import_rows))
    if "report" in wanted:
        # Its own process too: peak memory is measured per compile (issue #8).
        rows += _child("report", "kvalitetsberattelse.py", "--cases", str(args.cases))
    if rows:
        print_table(rows)
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cases": args.cases,
        "machine": machine(),
        "rows": rows,
    }
    ok = all(r["ok"] for r in rows)
    if args.scale:
        result["scale"] = _scale(args, rows)
        ok = ok and all(c["ok"] for c in result["scale"])
    if rows:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0 if ok else 1


def _child(module: str, script: str, *args: str) -> list[dict]:
    """A benchmark that runs in its own process; its rows (seconds, MB) join the one table.
    A child that fails leaves a failing row, so the table never hides a missing figure."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rows.json"
        done = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, str(HERE / script), *args, "--json", str(out)], check=False
        )
        found = json.loads(out.read_text()) if out.exists() else []
    if not found:
        failed = {"name": f"{module}_failed", "rows": 0, "runs": 0, "median_ms": None}
        failed |= {"p95_ms": None, "queries": None, "sql_ms": None, "target_ms": None}
        return [
            {
                **failed,
                "module": module,
                "unit": "s",
                "ok": False,
                "ratio": None,
                "flag": f"EXIT {done.returncode}",
            }
        ]
    return [judge(adapt(module, row)) for row in found]


if __name__ == "__main__":
    raise SystemExit(main())
