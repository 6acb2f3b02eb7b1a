"""Background job rows: PostgreSQL holds the truth (pending → running → done/failed)."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Job
from cases.types import User

from .errors import ServiceError


def job_create(*, kind: str, payload: dict, actor: User | None = None) -> Job:
    return Job.objects.create(kind=kind, payload=payload, created_by=actor)


def _move(job_id: int, to_status: str, **fields: Any) -> Job:
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if to_status not in Job.ALLOWED_TRANSITIONS.get(job.status, set()):
            raise ServiceError(f"Jobbet kan inte gå från {job.status} till {to_status}.")
        job.status = to_status
        for name, value in fields.items():
            setattr(job, name, value)
        job.save()
        return job


def job_start(*, job_id: int) -> Job | None:
    """Claim a pending job; None if another worker already has it or it is finished."""
    with transaction.atomic():
        job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
        if job is None or job.status != Job.Status.PENDING:
            return None
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.attempts += 1
        job.save()
        return job


def job_progress(*, job_id: int, progress: int) -> None:
    # Progress and heartbeat are not workflow state; a narrow UPDATE keeps the worker cheap.
    Job.objects.filter(pk=job_id).update(progress=min(progress, 100), heartbeat_at=timezone.now())


def job_finish(*, job_id: int, result: dict) -> Job:
    return _move(job_id, Job.Status.DONE, result=result, progress=100, finished_at=timezone.now())


def job_fail(*, job_id: int, error: str) -> Job:
    return _move(job_id, Job.Status.FAILED, error=error[:5000], finished_at=timezone.now())


def jobs_requeue_stale(*, older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Running jobs whose worker died (no heartbeat) go back to pending to be picked up again."""
    cutoff = timezone.now() - older_than
    ids = []
    with transaction.atomic():
        for job in Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.RUNNING, heartbeat_at__lt=cutoff
        ):
            job.status = Job.Status.PENDING
            job.save(update_fields=["status"])
            ids.append(job.pk)
    return ids
