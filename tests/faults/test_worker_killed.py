"""A Celery worker killed (SIGKILL) in the middle of compiling a kvalitetsberättelse: after a
restart and the beat sweepers the job finishes exactly once, with one PDF. With Redis stopped
the compile page says the order is saved and queued, and it starts once Redis is back.

Runs its own throw-away redis-server on a free port and real `celery worker` subprocesses
against the pytest test database; never touches the shared Redis (6379) or its queues."""

import hashlib
import os
import signal
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from cases.models import Job
from cases.services.jobs import jobs_requeue_stale
from reports.editions.compile import BROKER_DOWN, compile_requeue_pending, compile_run
from reports.editions.models import CompiledReport
from tests.reports.edition_data import edition  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
QUEUED_TEXT = "Kön för bakgrundsjobb går inte att nå just nu"

pytestmark = [
    pytest.mark.faults,
    pytest.mark.slow,
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True),
]


def _free_port(preferred: int = 56390) -> int:
    for port in [preferred, 0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def _wait_for(predicate, timeout: float, interval: float = 0.02, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _kill_group(proc: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


class OwnRedis:
    """A redis-server of our own (no persistence) that the test may stop and start again."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(self._ping, 10, 0.05, "redis-server to answer PING")

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc, signal.SIGKILL)
            self.proc = None
        assert not self._ping()


@pytest.fixture
def own_redis(tmp_path, settings):
    """Broker, cache and REDIS_URL of this test process all point at our own Redis."""
    redis = OwnRedis(tmp_path)
    redis.start()
    settings.CELERY_BROKER_URL = redis.url
    settings.REDIS_URL = redis.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis.url}}
    yield redis
    redis.stop()


def _database_url() -> str:
    db = django_settings.DATABASES["default"]  # inside a test this is the test database
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{quote(db['NAME'])}"


@pytest.fixture
def workers(transactional_db, own_redis, tmp_path, settings):
    """Start real `celery worker` processes (own process group each); all killed at teardown,
    before the transactional database is flushed."""
    started: list[subprocess.Popen] = []
    media_root = settings.STORAGES["default"]["OPTIONS"]["location"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(
        {
            "AVVIKA_TESTING": "1",
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": own_redis.url,
            "REDIS_URL": own_redis.url,
            "MEDIA_ROOT": media_root,
            "CACHE_KEY_PREFIX": f"fault-{tmp_path.name}",
        }
    )

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "-Q",
                "pdf,celery",
                "-c",
                "1",
                "--pool=prefork",
                "-n",
                f"fault{len(started)}-{os.getpid()}@%h",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        started.append(proc)
        return proc

    start.logs = (
        lambda: "\n".join(  # type: ignore[attr-defined]
            p.read_text(errors="replace")[-3000:] for p in sorted(tmp_path.glob("worker-*.log"))
        )
    )
    yield start
    for proc in started:
        _kill_group(proc)


def _pdf_files(settings) -> list[Path]:
    return sorted(Path(settings.STORAGES["default"]["OPTIONS"]["location"]).rglob("*.pdf"))


def _job(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def test_worker_killed_mid_compile_finishes_once_after_restart(
    edition,  # noqa: F811 - the fixture imported above
    org,
    login,
    workers,
    settings,
):
    client = login(org.users["quality"])
    response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    assert response.status_code == 302
    job_id = Job.objects.get(kind="reports.compile", payload__edition_id=edition.pk).pk

    first = workers()
    try:
        _wait_for(
            lambda: _job(job_id).status == Job.Status.RUNNING,
            90,
            0.02,
            "the first worker to claim the job",
        )
    except AssertionError:
        pytest.fail(f"job never started; worker log:\n{workers.logs()}")
    # A real crash: the whole worker (main process and pool child) dies without a word,
    # so neither acks_late nor reject_on_worker_lost can hand the message back.
    _kill_group(first)
    assert first.returncode == -signal.SIGKILL

    job = _job(job_id)
    assert job.status == Job.Status.RUNNING, "the job finished before the kill; test proves nothing"
    assert job.attempts == 1
    assert not CompiledReport.objects.filter(edition=edition).exists()
    assert _pdf_files(settings) == []

    workers()
    # What the beat jobs do: sweep_stale_jobs (running with no heartbeat → pending), then
    # requeue_pending_compiles (pending compile jobs are sent to the broker again).
    assert jobs_requeue_stale(older_than=timedelta(0)) == [job_id]
    assert _job(job_id).status == Job.Status.PENDING
    assert compile_requeue_pending(older_than=timedelta(0)) == [job_id]
    try:
        _wait_for(
            lambda: _job(job_id).status in (Job.Status.DONE, Job.Status.FAILED),
            120,
            0.1,
            "the restarted worker to finish the job",
        )
    except AssertionError:
        pytest.fail(f"job not finished; worker logs:\n{workers.logs()}")

    job = _job(job_id)
    assert job.status == Job.Status.DONE, f"{job.error}\n{workers.logs()}"
    assert job.attempts == 2
    compiled = CompiledReport.objects.get(edition=edition)  # exactly one
    assert compiled.job_id == job_id
    assert job.result == {"compiled_id": compiled.pk, "sha256": compiled.sha256}
    files = _pdf_files(settings)
    assert len(files) == 1, files
    data = files[0].read_bytes()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == compiled.sha256

    # A late redelivery of the lost message, or the next beat round, changes nothing.
    assert compile_run(job_id=job_id) is None
    assert jobs_requeue_stale(older_than=timedelta(0)) == []
    assert compile_requeue_pending(older_than=timedelta(0)) == []
    time.sleep(1)
    assert CompiledReport.objects.filter(edition=edition).count() == 1
    assert len(_pdf_files(settings)) == 1
    assert _job(job_id).attempts == 2

    page = client.get(f"/rapporter/{edition.pk}/kompilera/{job_id}/", HTTP_HX_REQUEST="true")
    assert "Klar." in page.content.decode() and "Ladda ner PDF" in page.content.decode()


def test_redis_stopped_compile_page_says_queued_then_runs(
    edition,  # noqa: F811 - the fixture imported above
    org,
    login,
    own_redis,
    workers,
    settings,
):
    own_redis.stop()
    client = login(org.users["quality"])
    assert client.get(edition.get_absolute_url()).status_code == 200

    response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    assert response.status_code == 302
    job = Job.objects.get(kind="reports.compile", payload__edition_id=edition.pk)
    assert (job.status, job.error, job.attempts) == (Job.Status.PENDING, BROKER_DOWN, 0)

    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert QUEUED_TEXT in text and "Väntar på att starta." in text
    assert "du behöver inte beställa på nytt" in text
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and QUEUED_TEXT in fragment.content.decode()
    # Ordering again while it is queued returns the same job, no second order.
    assert client.post(f"/rapporter/{edition.pk}/kompilera/")["Location"] == response["Location"]
    assert Job.objects.filter(kind="reports.compile").count() == 1
    assert not CompiledReport.objects.exists()

    # Redis comes back; the beat task sends the saved order and a worker compiles it once.
    own_redis.start()
    workers()
    assert compile_requeue_pending(older_than=timedelta(0)) == [job.pk]
    try:
        _wait_for(
            lambda: _job(job.pk).status in (Job.Status.DONE, Job.Status.FAILED),
            120,
            0.1,
            "the worker to finish the queued job",
        )
    except AssertionError:
        pytest.fail(f"job not finished; worker log:\n{workers.logs()}")
    job = _job(job.pk)
    assert (job.status, job.error, job.attempts) == (Job.Status.DONE, "", 1)
    assert CompiledReport.objects.filter(edition=edition).count() == 1
    assert QUEUED_TEXT not in client.get(response["Location"]).content.decode()
