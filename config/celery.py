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
    "sweep-stale-jobs": {
        "task": "cases.tasks.sweep_stale_jobs",
        "schedule": 300.0,
    },
}
