"""Celery tasks for the case core. Thin: load by id, call a service, retry policy (DESIGN §8.5).
Other modules append their tasks below; keep each task a few lines."""

from celery import shared_task


@shared_task(acks_late=True)
def sweep_stale_jobs() -> list[int]:
    """Re-queue jobs whose worker died: the job row is the truth, Redis only the wake-up."""
    from cases.services.jobs import jobs_requeue_stale

    return jobs_requeue_stale()


@shared_task(acks_late=True)
def run_retention() -> dict:
    from cases.retention import retention_run

    return retention_run().counts


# --- Klagomål och synpunkter (issue #3) ------------------------------------------------------


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_complaint_email(case_id: int, kind: str) -> bool:
    """Acknowledgement or reply to a complaint's sender; idempotent (stamped when sent)."""
    from cases.services.complaints import complaint_email_send

    return complaint_email_send(case_id=case_id, kind=kind)
