"""Background job rows: PostgreSQL holds the truth (pending → running → done/failed).

Jobs move through the same `transition()` as every other stateful row; Job keeps no history
(it is operational, not a record), so a move is one locked SELECT and one UPDATE."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Job
from cases.types import User

from .errors import TransitionNotAllowed
from .transitions import transition

# A finished job records when; a job taken up again (swept back to pending) keeps its first
# start and counts its attempts.
JOB_STAMPS = {Job.Status.DONE: "finished_at", Job.Status.FAILED: "finished_at"}


def job_create(*, kind: str, payload: dict, actor: User | None = None) -> Job:
    return Job.objects.create(kind=kind, payload=payload, created_by=actor)


def _move(job_id: int, to_status: str, **kwargs: Any) -> Job:
    return transition(
        Job(pk=job_id), to=to_status, actor=None, reason="", stamp=JOB_STAMPS, **kwargs
    )


def _claimed(job: Job) -> None:
    now = timezone.now()
    job.started_at = job.started_at or now
    job.heartbeat_at = now
    job.attempts += 1


def job_start(*, job_id: int) -> Job | None:
    """Claim a pending job; None if another worker already has it, it is finished or gone.
    A second worker waits the few milliseconds of the first claim, then finds it running."""
    try:
        return _move(job_id, Job.Status.RUNNING, derive=_claimed)
    except (TransitionNotAllowed, Job.DoesNotExist):
        return None


def job_progress(*, job_id: int, progress: int) -> None:
    # Progress and heartbeat are not workflow state; a narrow UPDATE keeps the worker cheap.
    Job.objects.filter(pk=job_id).update(progress=min(progress, 100), heartbeat_at=timezone.now())


def job_finish(*, job_id: int, result: dict) -> Job:
    return _move(job_id, Job.Status.DONE, result=result, progress=100)


def job_fail(*, job_id: int, error: str) -> Job:
    return _move(job_id, Job.Status.FAILED, error=error[:5000])


def jobs_requeue_stale(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Running jobs whose worker died (no heartbeat) go back to pending to be picked up again."""
    cutoff = timezone.now() - older_than
    ids = []
    with transaction.atomic():
        # skip_locked: a job being claimed or finished right now is not stale.
        for job in Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.RUNNING, heartbeat_at__lt=cutoff
        ):
            transition(job, to=Job.Status.PENDING, actor=None, reason="", locked=True)
            ids.append(job.pk)
    return ids
