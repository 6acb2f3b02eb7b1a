"""Celery tasks for the case core. Thin: load by id, call a service, retry policy (DESIGN §8.5).
Each case-type app keeps its own tasks module; keep each task a few lines."""

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


# --- Inkorg: daily digest (issue #4 point 5) ---------------------------------------------------


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Beat, 06:30 Europe/Stockholm: one task per recipient, so one failing mailbox or a
    retry never holds up (or re-sends) the others."""
    from django.utils import timezone

    from cases.services.digest import digest_recipients

    day = timezone.localdate()
    recipients = digest_recipients(day=day)
    for user_id in recipients:
        send_digest.delay(user_id, day.isoformat())
    return len(recipients)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_digest(user_id: int, day: str) -> bool:
    """Idempotent: a second run for the same person and day sends nothing."""
    from datetime import date

    from cases.services.digest import digest_send

    return digest_send(user_id=user_id, day=date.fromisoformat(day))


# --- Arkivleverans (issue 21) ------------------------------------------------------------------


@shared_task(acks_late=True)
def build_archive_delivery(delivery_id: int) -> str:
    """Idempotent: the service builds a pending delivery once and leaves any other alone."""
    from cases.archive.services import archive_delivery_build

    delivery = archive_delivery_build(delivery_id=delivery_id)
    return delivery.status if delivery else "missing"


# --- Fördelning (issue 18) ---------------------------------------------------------------------


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_routing_notification(routing_id: int) -> bool:
    """Tell the section's chef about a case routed to them; idempotent (stamped when sent)."""
    from cases.services.routing import routing_notification_send

    return routing_notification_send(routing_id=routing_id)
