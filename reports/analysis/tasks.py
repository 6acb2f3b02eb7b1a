"""Beat jobs for the yearly unit analysis. Thin: call one service; both are idempotent, so a
re-run (or a redelivered message, acks_late) changes nothing."""

from celery import shared_task


@shared_task(acks_late=True)
def open_analysis_round() -> int:
    """1 June: open this year's round (period 1 June last year – 31 May this year)."""
    from django.utils import timezone

    from reports.analysis.services import round_open

    return round_open(year=timezone.localdate().year).pk


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_analysis_reminders() -> int:
    """Daily: remind chefs whose analysis is late, once per analysis and day."""
    from reports.analysis.services import reminders_send

    return reminders_send()
