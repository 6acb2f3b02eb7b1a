"""Throughput through the real stack (issue 16, point 5): gunicorn + PostgreSQL + Redis, driven
headless by locust for a fixed time per worker count.

    .venv/bin/python bench/throughput.py [--cases 20000] [--workers 1,2,4] [--seconds 60]
                                         [--users 24]

1. A child process seeds its own database (BENCH_THROUGHPUT_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/avvika_bench_throughput) with the inbox benchmark's
   organisation and cases (COPY) plus the load test's accounts, and collects the static files.
2. For each worker count: gunicorn as the Dockerfile runs it (config.wsgi, sync workers) on a
   free port of 127.0.0.1 with production settings (DEBUG=0, bench/throughput_settings.py says
   what differs), then `locust --headless` with bench/throughput_locust.py for `--seconds`.
3. One row per worker count: requests/s, p50/p95/p99 over every request, errors (every answer
   that is not 2xx/3xx, and every POST that does not redirect), and how busy the CPUs were.

Bounded: locust stops itself after `--seconds`; gunicorn and locust run in their own process
groups and are killed at the end, also on Ctrl-C, SIGTERM or an exception. Nothing listens
anywhere but 127.0.0.1, and locust's web UI is off.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/avvika_bench_throughput"
HEADER = ("benchmark", "rows", "requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors", "cpu_%")
BIN = Path(sys.executable).parent
WARMUP_S = 120  # at most, until every simulated staff member has signed in


# --- Seeding (runs in a child process with Django set up on the bench database) ---------------


def _seed_module():
    """The seeding lives in bench/seed.py once it moves there; bench/inbox.py until then."""
    try:
        from bench import seed as module  # type: ignore[attr-defined]

        if hasattr(module, "seed"):
            return module
    except ImportError:
        pass
    from bench import inbox as module

    return module


def _accounts(password: str) -> dict:
    """Two sektionschefer in each of eight sections (one receives what the other reports) and
    two kvalitetsstrateger for the whole förvaltning: distinct accounts, each signed in once,
    with a password new for every run (the accounts exist in the bench database only)."""
    from django.contrib.auth import get_user_model

    from cases.models import Membership, Role, Unit
    from cases.services.org import membership_create

    User = get_user_model()
    root = Unit.objects.get(code="BENCH")
    sections = list(Unit.objects.filter(code__startswith="B", depth=3).order_by("code")[:8])
    places = [(root, Role.KVALITETSSTRATEG)] * 2
    for section in sections:
        places += [(section, Role.SEKTIONSCHEF)] * 2
    staff = []
    for i, (unit, role) in enumerate(places):
        user, made = User.objects.get_or_create(
            username=f"bench_tp{i}", defaults={"first_name": "Last", "last_name": f"Test {i}"}
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if not Membership.objects.filter(user=user).exists():
            membership_create(user=user, unit=unit, role=role)
        # A kvalitetsstrateg reads and reports but does not receive (the chef's step: 403).
        staff.append(
            {"username": user.username, "section": unit.pk, "handles": role == Role.SEKTIONSCHEF}
        )
    return {"password": password, "staff": staff}


def prepare(cases: int, users_file: str) -> None:
    from bench.run import _setup_django

    _setup_django(os.environ.get("BENCH_THROUGHPUT_DATABASE_URL", DEFAULT_URL))
    from cases.models import Case

    _seed_module().seed(cases, lambda msg: print(msg, file=sys.stderr))
    accounts = _accounts(secrets.token_urlsafe(16))
    accounts["cases"] = Case.objects.count()
    Path(users_file).write_text(json.dumps(accounts), encoding="utf-8")


# --- Running ----------------------------------------------------------------------------------


def _env(users_file: str) -> dict:
    env = dict(os.environ)
    env.pop("AVVIKA_TESTING", None)  # production settings: DEBUG=0, manifest static files
    env.update(
        {
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "bench.throughput_settings",
            "DATABASE_URL": os.environ.get("BENCH_THROUGHPUT_DATABASE_URL", DEFAULT_URL),
            "SECRET_KEY": secrets.token_urlsafe(50),
            # The pages are measured, not the second factor: the bench accounts have none.
            "AVVIKA_REQUIRE_2FA": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Its own cache keys in the shared Redis, so nobody's rate limits are touched.
            "CACHE_KEY_PREFIX": "avvika_bench_throughput",
            "BENCH_TP_USERS": users_file,
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _static_current() -> bool:
    """The collected files' manifest is newer than every file of static/."""
    manifest = ROOT / "var" / "bench" / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max((p.stat().st_mtime for p in (ROOT / "static").rglob("*")), default=0)
    return manifest.stat().st_mtime > newest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _stop(proc: subprocess.Popen | None) -> None:
    """SIGTERM to the whole process group, SIGKILL after 10 s."""
    if proc is None or proc.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_ready(port: int, proc: subprocess.Popen, seconds: float = 240) -> None:
    # Generous: four workers importing Django on two busy cores took over a minute.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered (see its log)")
        with suppress(OSError):
            with urllib.request.urlopen(  # noqa: S310 - our own server on 127.0.0.1
                f"http://127.0.0.1:{port}/logga-in/", timeout=5
            ) as response:
                if response.status == 200:
                    return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds:.0f} s")


def _stats(prefix: str) -> tuple[dict, list[dict]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return total, [r for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])]


def _ms(value: str) -> float:
    """A locust percentile; "N/A" (no request in the window) as infinity, never a pass."""
    return float("inf") if value == "N/A" else float(value)


def _one(workers: int, *, users: int, seconds: int, env: dict, work: Path, cases: int) -> dict:
    port = _free_port()
    prefix = str(work / f"w{workers}")
    gunicorn = locust = None
    with open(work / f"gunicorn-w{workers}.log", "wb") as log:
        try:
            # As the Dockerfile's CMD (config.wsgi, sync workers, access log), on 127.0.0.1.
            gunicorn = subprocess.Popen(  # noqa: S603 - our own command line
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "-b",
                    f"127.0.0.1:{port}",
                    "-w",
                    str(workers),
                    "--access-logfile",
                    str(work / f"access-w{workers}.log"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            _wait_ready(port, gunicorn)
            load = os.getloadavg()[0]
            locust = subprocess.Popen(  # noqa: S603 - our own command line
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "bench" / "throughput_locust.py"),
                    "--headless",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    # A bound only: the locustfile quits `seconds` after the sign-ins.
                    "-t",
                    f"{seconds + WARMUP_S}s",
                    "--stop-timeout",
                    "5",
                    "--csv",
                    prefix,
                    "--only-summary",
                    "--exit-code-on-error",
                    "0",
                ],
                cwd=work,
                env={**env, "BENCH_TP_SECONDS": str(seconds), "BENCH_TP_WARMUP": str(WARMUP_S)},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            # Bounded even if locust never quits: the watchdog kills it, which ends the read.
            watchdog = threading.Timer(seconds + WARMUP_S + 60, _stop, [locust])
            watchdog.start()
            busy0 = total0 = None
            assert locust.stdout is not None
            for line in locust.stdout:  # CPU counted over the measured window only
                log.write(line)
                if line.startswith(b"measuring ") and busy0 is None:
                    busy0, total0 = _cpu()
            locust.wait(timeout=seconds + WARMUP_S + 60)
            watchdog.cancel()
            busy1, total1 = _cpu()
            if busy0 is None:
                busy0, total0 = busy1, total1
        finally:
            _stop(locust)
            _stop(gunicorn)
    total, endpoints = _stats(prefix)
    requests = int(total["Request Count"])
    errors = int(total["Failure Count"])
    return {
        "name": f"throughput_{workers}w",
        "rows": cases,
        "runs": requests,
        "median_ms": _ms(total["50%"]),
        "p95_ms": _ms(total["95%"]),
        "queries": None,
        "sql_ms": None,
        # Under load the figures are requests/s and errors (must be 0), not a page target.
        "target_ms": None,
        "rps": float(total["Requests/s"]),
        "p99_ms": _ms(total["99%"]),
        "errors": errors,
        "error_rate": errors / requests if requests else 0.0,
        "workers": workers,
        "users": users,
        "seconds": seconds,
        "cpu_busy_pct": 100.0 * (busy1 - busy0) / max(total1 - total0, 1),
        "load_before": load,
        "endpoints": [
            {
                "name": r["Name"],
                "requests": int(r["Request Count"]),
                "errors": int(r["Failure Count"]),
                "p50_ms": _ms(r["50%"]),
                "p95_ms": _ms(r["95%"]),
            }
            for r in endpoints
        ],
    }


def run(
    cases: int = 20_000,
    runs: int = 1,
    *,
    workers: tuple[int, ...] = (1, 2, 4),
    seconds: int = 60,
    users: int = 24,
    out=print,
) -> list[dict]:
    """One row per worker count (keys as the bench runner's, plus rps, p99_ms, errors). `runs`
    is accepted for the runner's signature: each setting is one timed run of `seconds`, and
    the row's `runs` is the number of requests it measured."""
    del runs
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="avvika-throughput-") as tmp:
            work = Path(tmp)
            users_file = str(work / "users.json")
            env = _env(users_file)
            seed_env = {**os.environ, "PYTHONPATH": str(ROOT)}
            subprocess.run(  # noqa: S603 - our own script
                [sys.executable, __file__, "--prepare", "--cases", str(cases), users_file],
                cwd=ROOT,
                env=seed_env,
                check=True,
            )
            seeded = json.loads(Path(users_file).read_text(encoding="utf-8"))["cases"]
            if not _static_current():
                subprocess.run(  # noqa: S603 - manage.py of this repo
                    [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                )
            rows = []
            for count in workers:
                out(f"throughput: {count} gunicorn worker(s), {users} users, {seconds} s …")
                rows.append(
                    _one(count, users=users, seconds=seconds, env=env, work=work, cases=seeded)
                )
                if rows[-1]["errors"]:
                    _show_errors(work, count, out)
            return rows
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _show_errors(work: Path, workers: int, out) -> None:
    failures = work / f"w{workers}_failures.csv"
    if failures.exists():
        out(failures.read_text(encoding="utf-8")[:3000])
    log = (work / f"gunicorn-w{workers}.log").read_text(encoding="utf-8", errors="replace")
    out(log[-3000:])


def print_rows(rows: list[dict], out=print) -> None:
    out("  ".join(f"{c:<18}" if i == 0 else f"{c:>9}" for i, c in enumerate(HEADER)))
    for r in rows:
        out(
            f"{r['name']:<18}  {r['rows']:>9}  {r['runs']:>9}  {r['rps']:>9.1f}  "
            f"{r['median_ms']:>9.0f}  {r['p95_ms']:>9.0f}  {r['p99_ms']:>9.0f}  "
            f"{r['errors']:>9}  {r['cpu_busy_pct']:>9.0f}"
        )
    for r in rows:
        out(f"\n{r['name']}: per request type (requests, errors, p50/p95 ms)")
        for e in r["endpoints"]:
            out(
                f"  {e['name']:<28} {e['requests']:>7} {e['errors']:>5} "
                f"{e['p50_ms']:>7.0f} {e['p95_ms']:>7.0f}"
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("users_file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.cases, args.users_file)
        return 0
    rows = run(
        args.cases,
        workers=tuple(int(w) for w in args.workers.split(",")),
        seconds=args.seconds,
        users=args.users,
    )
    print_rows(rows)
    if os.environ.get("BENCH_THROUGHPUT_JSON"):
        Path(os.environ["BENCH_THROUGHPUT_JSON"]).write_text(json.dumps(rows, indent=2))
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
