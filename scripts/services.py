#!/usr/bin/env python3
"""PostgreSQL and Redis for `make run` and `make test`, on a machine that may have neither.

    scripts/services.py ensure   check DATABASE_URL and REDIS_URL; start private instances when
                                 they point at the local defaults and nothing answers there;
                                 write the URLs to use to var/services.env
    scripts/services.py stop     stop the private instances (never any other server)
    scripts/services.py status   which private instances run, on which ports

A URL that answers is used as it is, whoever runs the server. A URL on 127.0.0.1/localhost at
the default port (5432, 6379) or at the private port that does not answer gets the project's own
instance: Debian's `postgresql` / `redis-server` are installed when missing, the data live under
var/pg and var/redis, and the servers listen on 127.0.0.1 only, on their own ports. Any other
URL that does not answer stops the run with a message and starts nothing: it names a server the
developer chose, and guessing would hide the mistake.

Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import glob
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/avvika"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PG_DEFAULT_PORT = 5432
REDIS_DEFAULT_PORT = 6379
PRIVATE_PG_PORT = 54329
PRIVATE_REDIS_PORT = 63799
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
PG_SUPERUSER = "postgres"


class ServiceError(Exception):
    """A problem the developer has to fix; the message says what to check."""


# --- URLs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    kind: str  # "postgres" | "redis"
    url: str
    host: str
    port: int | None
    default_port: int
    private_port: int

    @property
    def label(self) -> str:
        return "PostgreSQL" if self.kind == "postgres" else "Redis"

    @property
    def shown(self) -> str:
        return mask(self.url)

    def ours_to_start(self) -> bool:
        """The local default (or our own private port): a private instance may stand in."""
        return self.host in LOCAL_HOSTS and self.port in (
            None,
            self.default_port,
            self.private_port,
        )


def parse(kind: str, url: str, private_port: int) -> Target:
    parts = urlsplit(url)
    schemes = {"postgres": ("postgres", "postgresql"), "redis": ("redis", "rediss", "unix")}[kind]
    if parts.scheme not in schemes:
        raise ServiceError(
            f"{'DATABASE_URL' if kind == 'postgres' else 'REDIS_URL'} must start "
            f"with {' or '.join(s + '://' for s in schemes)} (got {mask(url)!r})"
        )
    host = unquote(parts.hostname or "")
    if parts.scheme == "unix":
        host = parts.path
    try:
        port = parts.port
    except ValueError as exc:
        raise ServiceError(f"{mask(url)}: {exc}") from exc
    default = PG_DEFAULT_PORT if kind == "postgres" else REDIS_DEFAULT_PORT
    return Target(kind, url, host, port, default, private_port)


def mask(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def with_port(target: Target, port: int) -> str:
    """The URL pointing at the private instance: same database / Redis db, 127.0.0.1:port.
    The private cluster trusts local connections for its superuser only."""
    parts = urlsplit(target.url)
    user = f"{PG_SUPERUSER}@" if target.kind == "postgres" else ""
    scheme = "redis" if parts.scheme == "unix" else parts.scheme
    path = parts.path if parts.scheme != "unix" else "/0"
    return urlunsplit((scheme, f"{user}127.0.0.1:{port}", path or "", parts.query, ""))


# --- Probes: does a server of the right kind answer? --------------------------------------------


def _connect(host: str, port: int | None, default: int, timeout: float) -> socket.socket:
    if host.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        path = (
            host
            if host.endswith(".sock") or not Path(host).is_dir()
            else (f"{host}/.s.PGSQL.{port or default}")
        )
        sock.connect(path)
        return sock
    return socket.create_connection((host or "127.0.0.1", port or default), timeout=timeout)


def answers(target: Target, timeout: float = 2.0) -> bool:
    """PostgreSQL: its reply to an SSLRequest ('S' or 'N'); Redis: its reply to PING (+PONG,
    or an error such as -NOAUTH, which still is Redis). A port held by something else is no."""
    try:
        with _connect(target.host, target.port, target.default_port, timeout) as sock:
            if target.kind == "postgres":
                sock.sendall(struct.pack("!ii", 8, 80877103))
                return sock.recv(1) in (b"S", b"N")
            if urlsplit(target.url).scheme == "rediss":
                return True  # a TLS port that accepts: checking more needs the certificate
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
            return reply.startswith((b"+PONG", b"-"))
    except OSError:
        return False


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Running things ----------------------------------------------------------------------------


def _is_root() -> bool:
    return os.geteuid() == 0


def run(
    cmd: list[str], *, as_postgres: bool = False, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess:
    # PostgreSQL refuses to run as root; as root we run its tools as the `postgres` user.
    if as_postgres and _is_root():
        cmd = ["runuser", "-u", PG_SUPERUSER, "--", *cmd]
    # cwd "/": the postgres user may not be allowed into the directory make runs in.
    result = subprocess.run(  # noqa: S603 - argv lists, no shell
        cmd,
        cwd="/",
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise ServiceError(
            f"{' '.join(cmd)} failed ({result.returncode}):\n"
            f"{(result.stdout + result.stderr).strip()[-2000:]}"
        )
    return result


def apt_install(packages: list[str]) -> None:
    if not shutil.which("apt-get"):
        raise ServiceError(
            f"{', '.join(packages)} missing and there is no apt-get: install "
            "them, or point DATABASE_URL / REDIS_URL at running servers."
        )
    sudo = [] if _is_root() else ["sudo"]
    print(f"Installing Debian packages: {' '.join(packages)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages],
    ):
        result = subprocess.run(  # noqa: S603 - argv lists, no shell
            [*sudo, *cmd],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise ServiceError(f"{' '.join(cmd)} failed:\n{result.stderr.strip()[-2000:]}")


def pg_bindir() -> Path | None:
    """The newest Debian PostgreSQL server (initdb lives only in the server package)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(found[-1]).parent if found else None


# --- Private PostgreSQL ------------------------------------------------------------------------


class PrivatePostgres:
    """A cluster of the project's own: var/pg/data, log var/pg/postgres.log, 127.0.0.1 only."""

    def __init__(self, var: Path):
        self.dir = var / "pg"
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    def install(self) -> None:
        if pg_bindir() is None:
            apt_install(["postgresql"])

    def bindir(self) -> Path:
        found = pg_bindir()
        if found is None:
            raise ServiceError("PostgreSQL server programs not found after installing postgresql")
        return found

    def running_port(self) -> int | None:
        """The port of our running server (postmaster.pid), or None."""
        pidfile = self.data / "postmaster.pid"
        try:
            lines = pidfile.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        return port if _pid_is(pid, "postgres") else None

    def _prepare_dir(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        if not _is_root():
            return
        shutil.chown(self.dir, PG_SUPERUSER, PG_SUPERUSER)
        self.dir.chmod(0o700)
        _let_postgres_reach(self.dir)

    def start(self, port: int) -> None:
        bindir = self.bindir()
        self._prepare_dir()
        if not (self.data / "PG_VERSION").exists():
            print(f"  initdb {_rel(self.data)} (owner {PG_SUPERUSER})", flush=True)
            run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    PG_SUPERUSER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ],
                as_postgres=True,
            )
            # Only TCP on 127.0.0.1: no socket file, so a long var/ path cannot break it.
            # A development and test server: losing the last commits in a crash is acceptable,
            # waiting for every commit to reach the disk is not.
            with (self.data / "postgresql.auto.conf").open("a") as conf:
                conf.write(
                    "listen_addresses = '127.0.0.1'\n"
                    "unix_socket_directories = ''\n"
                    "synchronous_commit = off\n"
                    "max_connections = 200\n"
                )
        run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                f"-p {port}",
                "-w",
                "-t",
                "60",
                "start",
            ],
            as_postgres=True,
        )

    def stop(self) -> bool:
        if self.running_port() is None:
            return False
        bindir = pg_bindir()
        if bindir is None:
            raise ServiceError("pg_ctl not found; cannot stop the private PostgreSQL")
        run(
            [str(bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"],
            as_postgres=True,
        )
        return True


def _let_postgres_reach(path: Path) -> None:
    """The postgres user needs search (x) permission on every directory above var/pg; a checkout
    under /root (0700) has none. Grant exactly that, and say so."""
    for parent in reversed(path.parents):
        if run(["test", "-x", str(parent)], as_postgres=True, check=False).returncode == 0:
            continue
        if shutil.which("setfacl"):
            run(["setfacl", "-m", f"u:{PG_SUPERUSER}:x", str(parent)])
            how = f"ACL u:{PG_SUPERUSER}:x"
        else:
            parent.chmod(parent.stat().st_mode | 0o001)
            how = "o+x"
        print(f"  gave the postgres user search permission on {parent} ({how})", flush=True)


# --- Private Redis -----------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of the project's own: var/redis (AOF, noeviction as in production)."""

    def __init__(self, var: Path):
        self.dir = var / "redis"
        self.pidfile = self.dir / "redis.pid"
        self.log = self.dir / "redis.log"
        self.portfile = self.dir / "port"

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_is(pid, "redis-server") else None

    def running_port(self) -> int | None:
        if self.pid() is None:
            return None
        try:
            return int(self.portfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def install(self) -> None:
        if shutil.which("redis-server") is None:
            apt_install(["redis-server"])

    def start(self, port: int) -> None:
        server = shutil.which("redis-server") or "/usr/sbin/redis-server"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.portfile.write_text(f"{port}\n")
        run(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.log),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ]
        )
        target = Target(
            "redis", f"redis://127.0.0.1:{port}/0", "127.0.0.1", port, REDIS_DEFAULT_PORT, port
        )
        deadline = time.monotonic() + 15
        while not answers(target, timeout=0.5):
            if time.monotonic() > deadline:
                raise ServiceError(f"private Redis did not answer on {port}; see {_rel(self.log)}")
            time.sleep(0.1)

    def stop(self) -> bool:
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)  # Redis writes its AOF and exits
        deadline = time.monotonic() + 20
        while _pid_is(pid, "redis-server"):
            if time.monotonic() > deadline:
                raise ServiceError(f"private Redis (pid {pid}) did not stop in 20 s")
            time.sleep(0.1)
        return True


def _pid_is(pid: int, name: str) -> bool:
    """The pid is alive and is `name` (a stale pid file must not make us signal a stranger)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    return name.encode() in cmdline.split(b"\0")[0]


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


# --- ensure / stop / status ---------------------------------------------------------------------


@dataclass
class Decision:
    target: Target
    action: str  # "use" | "start" | "fail"


def decide(target: Target, answering: bool) -> Decision:
    if answering:
        return Decision(target, "use")
    return Decision(target, "start" if target.ours_to_start() else "fail")


def failure_message(target: Target) -> str:
    variable = "DATABASE_URL" if target.kind == "postgres" else "REDIS_URL"
    where = target.host or "(socket)"
    return (
        f"{target.label} does not answer at {variable}={target.shown}.\n"
        f"  Check that the server on {where} port {target.port or target.default_port} "
        f"is running and reachable from here, and that {variable} is spelled right.\n"
        f"  The project starts a private {target.label} only for the local default "
        f"(127.0.0.1 or localhost, port {target.default_port}); unset {variable} to get one."
    )


def _pick_port(preferred: int, running: int | None) -> int:
    if running is not None:
        return running
    if port_free(preferred):
        return preferred
    port = free_port()
    print(f"  port {preferred} is taken by another program; using {port}", flush=True)
    return port


def ensure(env: dict[str, str], var: Path, env_file: Path, pg_port: int, redis_port: int) -> int:
    pg = parse("postgres", env.get("DATABASE_URL") or DEFAULT_DATABASE_URL, pg_port)
    redis = parse("redis", env.get("REDIS_URL") or DEFAULT_REDIS_URL, redis_port)
    decisions = [decide(t, answers(t)) for t in (pg, redis)]
    failed = [d for d in decisions if d.action == "fail"]
    if failed:
        # Start nothing: half a set of services would only move the error somewhere else.
        for d in failed:
            print(failure_message(d.target), file=sys.stderr)
        print("Nothing was started.", file=sys.stderr)
        return 2
    urls = {"postgres": pg.url, "redis": redis.url}
    started: list[str] = []
    private = {"postgres": PrivatePostgres(var), "redis": PrivateRedis(var)}
    for d in decisions:
        if d.action == "use":
            print(f"{d.target.label}: {d.target.shown} answers; using it.", flush=True)
            continue
        server = private[d.target.kind]
        server.install()
        # Debian's package may have started its own server at the default port: then use it.
        if answers(d.target):
            print(
                f"{d.target.label}: {d.target.shown} answers after the install; using it.",
                flush=True,
            )
            continue
        running = server.running_port()
        port = _pick_port(d.target.private_port, running)
        if running is None:
            print(
                f"{d.target.label}: nothing answers at {d.target.shown}; starting a private "
                f"{d.target.label} on 127.0.0.1:{port} (data {_rel(server.dir)})",
                flush=True,
            )
            server.start(port)
            started.append(d.target.label)
        else:
            print(
                f"{d.target.label}: the private {d.target.label} already runs on "
                f"127.0.0.1:{port} (data {_rel(server.dir)})",
                flush=True,
            )
        urls[d.target.kind] = with_port(d.target, port)
    env_file.parent.mkdir(parents=True, exist_ok=True)
    env_file.write_text(
        "# Written by scripts/services.py ensure (make run / make test): the services to use.\n"
        f"DATABASE_URL={shlex.quote(urls['postgres'])}\n"
        f"REDIS_URL={shlex.quote(urls['redis'])}\n"
    )
    if started:
        print(
            f"Started privately: {', '.join(started)}. `make stop` stops them "
            f"(data stay in {_rel(var)}/pg and {_rel(var)}/redis).",
            flush=True,
        )
    return 0


def stop(var: Path) -> int:
    stopped = []
    for server, label in ((PrivatePostgres(var), "PostgreSQL"), (PrivateRedis(var), "Redis")):
        if server.stop():
            stopped.append(label)
    if stopped:
        print(f"Stopped the private {' and '.join(stopped)} (data kept in {_rel(var)}).")
    else:
        print("No private PostgreSQL or Redis of this checkout is running.")
    return 0


def status(var: Path) -> int:
    for server, label in ((PrivatePostgres(var), "PostgreSQL"), (PrivateRedis(var), "Redis")):
        port = server.running_port()
        state = f"runs on 127.0.0.1:{port}" if port else "not running"
        print(f"private {label}: {state} (data {_rel(server.dir)})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["ensure", "stop", "status"])
    parser.add_argument(
        "--var", type=Path, default=ROOT / "var", help="folder for the private data (default: var/)"
    )
    parser.add_argument("--env-file", type=Path, help="default: <var>/services.env")
    parser.add_argument(
        "--pg-port", type=int, default=int(os.environ.get("PRIVATE_PG_PORT") or PRIVATE_PG_PORT)
    )
    parser.add_argument(
        "--redis-port",
        type=int,
        default=int(os.environ.get("PRIVATE_REDIS_PORT") or PRIVATE_REDIS_PORT),
    )
    args = parser.parse_args(argv)
    var = args.var.resolve()
    try:
        if args.command == "ensure":
            return ensure(
                dict(os.environ),
                var,
                args.env_file or var / "services.env",
                args.pg_port,
                args.redis_port,
            )
        if args.command == "stop":
            return stop(var)
        return status(var)
    except ServiceError as exc:
        print(f"services: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
