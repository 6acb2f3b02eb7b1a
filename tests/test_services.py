"""scripts/services.py, the service check of `make run` and `make test`: a URL that answers is
used, a silent local default gets a private instance under var/, anything else stops the run
with a message and starts nothing. Never touches the shared servers on 5432 and 6379: every
URL here names a port nobody uses, and the private instances get free ports of their own."""

import importlib.util
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "services.py"
_spec = importlib.util.spec_from_file_location("avvika_services", SCRIPT)
services = importlib.util.module_from_spec(_spec)
sys.modules["avvika_services"] = services  # dataclasses look their module up by name
_spec.loader.exec_module(services)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _run(var: Path, *args: str, env: dict[str, str], pg_port: int, redis_port: int):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            *args,
            "--var",
            str(var),
            "--pg-port",
            str(pg_port),
            "--redis-port",
            str(redis_port),
        ],
        env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- The decision, without starting anything ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "url", "answering", "action"),
    [
        ("postgres", "postgres://postgres@127.0.0.1:5432/avvika", True, "use"),
        ("postgres", "postgres://postgres@127.0.0.1:5432/avvika", False, "start"),
        ("postgres", "postgres://postgres@localhost/avvika", False, "start"),
        ("postgres", "postgres://postgres@127.0.0.1:54329/avvika", False, "start"),  # our own port
        ("postgres", "postgres://postgres@127.0.0.1:5433/avvika", False, "fail"),
        ("postgres", "postgres://app:pw@db.example.se:5432/avvika", False, "fail"),
        ("postgres", "postgres://app:pw@db.example.se:5432/avvika", True, "use"),
        ("redis", "redis://127.0.0.1:6379/0", False, "start"),
        ("redis", "redis://localhost:63799/0", False, "start"),
        ("redis", "redis://127.0.0.1:6380/0", False, "fail"),
        ("redis", "redis://cache.example.se:6379/0", False, "fail"),
    ],
)
def test_decision(kind, url, answering, action):
    private = 54329 if kind == "postgres" else 63799
    target = services.parse(kind, url, private)
    assert services.decide(target, answering).action == action


def test_private_url_keeps_database_and_redis_db():
    pg = services.parse(
        "postgres", "postgres://postgres@127.0.0.1:5432/avvika_x?sslmode=disable", 54329
    )
    assert (
        services.with_port(pg, 54400)
        == "postgres://postgres@127.0.0.1:54400/avvika_x?sslmode=disable"
    )
    rd = services.parse("redis", "redis://localhost:6379/3", 63799)
    assert services.with_port(rd, 63800) == "redis://127.0.0.1:63800/3"


def test_message_hides_the_password():
    target = services.parse("postgres", "postgres://app:hemligt@127.0.0.2:5999/avvika", 54329)
    message = services.failure_message(target)
    assert "hemligt" not in message and "postgres://app:***@127.0.0.2:5999/avvika" in message


# --- The real script ---------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["postgres", "redis"])
def test_url_elsewhere_that_does_not_answer_stops_and_starts_nothing(tmp_path, which):
    unused, pg_port, redis_port = _free_port(), _free_port(), _free_port()
    # 127.0.0.2 is loopback but not the local default: a server the developer chose.
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.2:{unused}/avvika",
        "REDIS_URL": f"redis://127.0.0.2:{unused}/0",
    }
    if which == "postgres":
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"  # would be ours to start
    else:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{pg_port}/avvika"
    var = tmp_path / "var"

    result = _run(var, "ensure", env=env, pg_port=pg_port, redis_port=redis_port)

    assert result.returncode != 0
    name = "DATABASE_URL" if which == "postgres" else "REDIS_URL"
    assert f"does not answer at {name}={env[name]}" in result.stderr
    assert "Check that the server on 127.0.0.2" in result.stderr
    assert "Nothing was started." in result.stderr
    # Not even the service that would have been ours: nothing listens, nothing was written.
    assert not _listening(pg_port) and not _listening(redis_port)
    assert not (var / "pg").exists() and not (var / "redis").exists()
    assert not (var / "services.env").exists()


@pytest.mark.slow
def test_private_postgres_and_redis_start_answer_and_stop():
    pg_port, redis_port = _free_port(), _free_port()
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/avvika",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
    }
    # mkdtemp makes a 0700 folder, like a checkout under /root: the script must let the
    # postgres user through to var/pg.
    base = Path(tempfile.mkdtemp(prefix="avvika-services-"))
    var = base / "var"
    try:
        result = _run(var, "ensure", env=env, pg_port=pg_port, redis_port=redis_port)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "starting a private PostgreSQL" in result.stdout
        assert "starting a private Redis" in result.stdout
        assert "`make stop` stops them" in result.stdout
        written = (var / "services.env").read_text()
        assert f"DATABASE_URL=postgres://postgres@127.0.0.1:{pg_port}/avvika" in written
        assert f"REDIS_URL=redis://127.0.0.1:{redis_port}/0" in written

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{pg_port}/postgres", connect_timeout=5
        ) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            assert Path(data_dir) == var / "pg" / "data"
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == "127.0.0.1"
        client = redis.Redis.from_url(env["REDIS_URL"], socket_timeout=5)
        assert client.ping()
        assert Path(client.config_get("dir")["dir"]) == var / "redis"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.close()

        # A second check finds them running and starts nothing new.
        again = _run(var, "ensure", env=env, pg_port=pg_port, redis_port=redis_port)
        assert again.returncode == 0 and "starting" not in again.stdout

        stopped = _run(var, "stop", env=env, pg_port=pg_port, redis_port=redis_port)
        assert stopped.returncode == 0
        assert "Stopped the private PostgreSQL and Redis" in stopped.stdout
        assert not _listening(pg_port) and not _listening(redis_port)
        nothing = _run(var, "stop", env=env, pg_port=pg_port, redis_port=redis_port)
        assert "No private PostgreSQL or Redis" in nothing.stdout
    finally:
        _run(var, "stop", env=env, pg_port=pg_port, redis_port=redis_port)
        shutil.rmtree(base, ignore_errors=True)


def test_shared_servers_are_left_alone_by_stop(tmp_path):
    """`stop` in a checkout with no private instances signals nothing, whatever runs elsewhere."""
    result = _run(tmp_path / "var", "stop", env={}, pg_port=_free_port(), redis_port=_free_port())
    assert result.returncode == 0
    assert "No private PostgreSQL or Redis" in result.stdout
