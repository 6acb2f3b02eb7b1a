"""Fixed-window counters in the cache (Redis), shared by the public e-service and the login.

They fail open: with Redis down a resident's complaint or a colleague's login is never a 500,
the outage is logged (docs/security.md, finding 5 of issue #10). Only REMOTE_ADDR counts as
the client's address: a header sent by the client could be anything."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_count(key: str) -> int:
    try:
        return int(cache.get(key) or 0)
    except Exception:  # noqa: BLE001 - Redis down: fail open, log it
        logger.warning("Rate limit cache unavailable (read %s)", key, exc_info=True)
        return 0


def rate_hit(key: str, window: int) -> int:
    """Count one event in a fixed window; 0 when the cache is unreachable (fail open)."""
    try:
        cache.add(key, 0, timeout=window)
        return int(cache.incr(key))
    except ValueError:  # the key expired between add and incr
        try:
            cache.set(key, 1, timeout=window)
        except Exception:  # noqa: BLE001
            return 0
        return 1
    except Exception:  # noqa: BLE001
        logger.warning("Rate limit cache unavailable (hit %s)", key, exc_info=True)
        return 0
