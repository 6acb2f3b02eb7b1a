"""Celery tasks for reports: thin (load by id, call a service), acks_late, routed to the "pdf"
queue by CELERY_TASK_ROUTES. The Job row is the truth; these only wake the work."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def compile_edition(job_id: int) -> int | None:
    from reports.editions.compile import compile_run

    compiled = compile_run(job_id=job_id)
    return compiled.pk if compiled else None


@shared_task(acks_late=True)
def requeue_pending_compiles() -> list[int]:
    from reports.editions.compile import compile_requeue_pending

    return compile_requeue_pending()


# Sammanställning och analys (issue #7): registered here so autodiscovery finds them.
from reports.analysis.tasks import open_analysis_round, send_analysis_reminders  # noqa: E402,F401


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def catch_up_code_tally() -> int:
    """An import's code-tally marks, after its commit (reports.bulk); also every few minutes,
    for an import whose task never reached a worker."""
    from reports.catch_up import codetally_catch_up

    return codetally_catch_up()
