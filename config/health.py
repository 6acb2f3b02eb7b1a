"""Health checks used by /health/ and `make run`'s smoke test."""

from django.conf import settings
from django.db import connection


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "down" to a monitor
        return "fel"


def _redis() -> str:
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
        return "ok"
    except Exception:  # noqa: BLE001
        return "fel"


def _worker() -> str:
    from config.celery import app

    try:
        replies = app.control.ping(timeout=0.5)
        return "ok" if replies else "saknas"
    except Exception:  # noqa: BLE001
        return "fel"


def check_all() -> dict[str, str]:
    return {"database": _database(), "redis": _redis(), "worker": _worker()}
