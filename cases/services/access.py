"""Access log writes: every read, export and print (DESIGN §5)."""

from collections.abc import Iterable

from django.http import HttpRequest

from cases.models import AccessLog, Case, Unit
from cases.types import User


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def access_log_record(
    *, user: User, case: Case, action: str, request: HttpRequest | None = None, detail: str = ""
) -> AccessLog:
    return AccessLog.objects.create(
        user=user,
        case=case,
        case_reference=case.reference,
        unit_id=case.unit_id,
        action=action,
        detail=detail[:300],
        ip=_ip(request),
    )


def access_log_record_many(
    *,
    user: User,
    cases: Iterable[Case],
    action: str,
    request: HttpRequest | None = None,
    detail: str = "",
) -> int:
    """One row per exported case, written in one INSERT (exports can hold thousands)."""
    rows = [
        AccessLog(
            user=user,
            case=c,
            case_reference=c.reference,
            unit_id=c.unit_id,
            action=action,
            detail=detail[:300],
            ip=_ip(request),
        )
        for c in cases
    ]
    AccessLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def access_log_record_unit(
    *, user: User, unit: Unit, action: str, request: HttpRequest | None = None, detail: str = ""
) -> AccessLog:
    """An export that holds figures, not cases (statistics): one row for the unit it covers,
    so the unit's chefs see it in loggkontroll."""
    return AccessLog.objects.create(
        user=user,
        case=None,
        case_reference="",
        unit_id=unit.pk,
        action=action,
        detail=detail[:300],
        ip=_ip(request),
    )
