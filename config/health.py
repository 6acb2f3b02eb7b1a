"""Health checks used by /health/ and `make run`'s smoke test."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


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


def health(request):
    """/health/: database, Redis and worker state. No secrets, no counts of cases."""
    status = check_all()
    code = 200 if status["database"] == "ok" else 503
    return JsonResponse(status, status=code)
