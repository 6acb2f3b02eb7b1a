"""PostgreSQL restarted under load: the application recovers by itself and no acknowledged
write is lost. Runs its own throw-away PostgreSQL on another port, never the shared one."""

import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Debian's server programs, whichever version is installed (scripts/services.py installs them).
PG_BIN = Path(
    max(
        glob.glob("/usr/lib/postgresql/*/bin/initdb") or ["/usr/lib/postgresql/15/bin/initdb"],
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
).parent

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.real_clock]


def _free_port() -> int:
    # A free port, not a fixed one: another checkout's suite may run its own copy of this test.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _free_port()


def _as_postgres(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *cmd], check=check, capture_output=True, text=True, timeout=120)


@pytest.fixture
def own_postgres():
    if not (PG_BIN / "initdb").exists():
        pytest.fail(
            "PostgreSQL-serverns program saknas (/usr/lib/postgresql/*/bin): "
            "apt-get install postgresql."
        )
    datadir = Path(tempfile.mkdtemp(prefix="avvika-pg-"))
    shutil.chown(datadir, "postgres") if os.geteuid() == 0 else None
    _as_postgres(
        str(PG_BIN / "initdb"), "-D", str(datadir / "data"), "-A", "trust", "-U", "postgres"
    )
    ctl = [
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(datadir / "data"),
        "-l",
        str(datadir / "log"),
        "-o",
        f"-p {PORT} -k {datadir} -c listen_addresses=127.0.0.1",
        "-w",
    ]
    _as_postgres(*ctl, "start")
    _as_postgres(
        str(PG_BIN / "createdb"),
        "-h",
        "127.0.0.1",
        "-p",
        str(PORT),
        "-U",
        "postgres",
        "avvika_fault",
    )
    yield ctl
    _as_postgres(*ctl, "-m", "immediate", "stop", check=False)
    shutil.rmtree(datadir, ignore_errors=True)


def test_postgres_restart_loses_no_acknowledged_write(own_postgres):
    env = {
        **os.environ,
        "AVVIKA_TESTING": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PORT}/avvika_fault",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.pg_writer", "12"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    _as_postgres(*own_postgres, "-m", "fast", "restart")
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    acked = report["acked"]
    stored = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django,os,json;django.setup();from cases.models import Case;"
            "print(json.dumps(list(Case.objects.values_list('reference', flat=True))))",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    in_db = set(json.loads(stored.stdout.strip().splitlines()[-1]))
    assert acked, "nothing was written"
    assert report["failures"] >= 1, "the restart did not interrupt any write"
    assert set(acked) <= in_db, "an acknowledged write was lost"
    # Writes continued after the restart without restarting the application.
    assert len(acked) > 20
    # A commit whose answer was lost in the restart may exist without an ack; never the reverse.
    assert len(in_db) >= len(acked)
