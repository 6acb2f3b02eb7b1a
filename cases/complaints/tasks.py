"""Celery tasks of klagomål och synpunkter (thin: load by id, call a service)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_complaint_email(case_id: int, kind: str) -> bool:
    """Acknowledgement or reply to a complaint's sender; idempotent (stamped when sent)."""
    from cases.complaints.services import complaint_email_send

    return complaint_email_send(case_id=case_id, kind=kind)
