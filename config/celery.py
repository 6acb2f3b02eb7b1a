"""Celery application. Tasks are thin: load by id, call a service (DESIGN §8.5)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("avvika")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "daily-digest": {
        "task": "cases.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    "retention": {
        "task": "cases.tasks.run_retention",
        "schedule": crontab(hour=2, minute=15),
    },
    # Sammanställning och analys: the round opens on 1 June; late chefs are reminded daily.
    "open-unit-analysis-round": {
        "task": "reports.analysis.tasks.open_analysis_round",
        "schedule": crontab(month_of_year=6, day_of_month=1, hour=5, minute=0),
    },
    "unit-analysis-reminders": {
        "task": "reports.analysis.tasks.send_analysis_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "sweep-stale-jobs": {
        "task": "cases.tasks.sweep_stale_jobs",
        "schedule": 300.0,
    },
    # Compile jobs that never reached a worker (broker was down) are sent again (issue #8).
    # An import's code-tally marks whose task never reached a worker (issue 16).
    "catch-up-code-tally": {
        "task": "reports.tasks.catch_up_code_tally",
        "schedule": 300.0,
    },
    "requeue-pending-report-compiles": {
        "task": "reports.tasks.requeue_pending_compiles",
        "schedule": 120.0,
    },
}
