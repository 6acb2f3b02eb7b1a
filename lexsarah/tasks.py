"""Celery tasks for lex Sarah. Thin: load by id, call a service, retry policy (DESIGN §8.5)."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_chef_notification(case_id: int) -> bool:
    """Tell the unit's chef about a new report; idempotent (stamped when sent)."""
    from lexsarah.services.report import chef_notification_send

    return chef_notification_send(case_id=case_id)
