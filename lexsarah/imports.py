"""Import applier for lex Sarah rows (cases.imports): the report row with bedömning, AU date
and IVO dates/outcome, written by COPY with history made by PostgreSQL (cases.imports.bulk;
100 000 rows must take < 60 s)."""

from datetime import datetime, time

from django.utils import timezone

from .models import IvoNotification, IvoOutcome, IvoPath, LexSarahReport

# Import spellings of IVO's decision → our codes (unknown texts are kept as "annat").
IVO_OUTCOMES = {
    "avslutat": IvoOutcome.CLOSED,
    "fullgjort": IvoOutcome.FULFILLED,
    "fullgjort utredningsskyldighet": IvoOutcome.FULFILLED,
    "kritik": IvoOutcome.CRITICISM,
    "vantar": IvoOutcome.PENDING,
    "väntar på utredning": IvoOutcome.PENDING,
    "egen_tillsyn": IvoOutcome.INVESTIGATING,
}


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _outcome(text: str) -> str:
    text = (text or "").strip().lower()
    if not text:
        return ""
    return IVO_OUTCOMES.get(text, text if text in IvoOutcome.values else IvoOutcome.OTHER)


REPORT_COLUMNS = ("case_id", "assessment", "au_date", "assessed_at")
NOTIFICATION_COLUMNS = (
    "report_id",
    "path",
    "decided_at",
    "decided_by_id",
    "sent_on",
    "decision_date",
    "decision_outcome",
)


def apply_import_rows(items, *, codes, user, reason: str) -> None:
    """items: list of (ImportedCase, CaseRow)."""
    from cases.imports import bulk

    if not items:
        return
    reports, notifications = [], []
    user_id = getattr(user, "pk", None)
    for case, row in items:
        assessment = row.raw.get("bedomning", "")
        au_date = row.dates.get("au_datum")
        assessed_at = _aware(au_date or row.received) if assessment else None
        reports.append((case.pk, assessment, au_date, assessed_at))
        sent = row.dates.get("ivo_anmald")
        if sent:
            notifications.append(
                (
                    case.pk,
                    IvoPath.AU,
                    _aware(sent),
                    user_id,
                    sent,
                    row.dates.get("ivo_beslut_datum"),
                    _outcome(row.raw.get("ivo_beslut", "")),
                )
            )
    ids = [case.pk for case, _row in items]
    bulk.copy_rows(LexSarahReport, REPORT_COLUMNS, reports)
    bulk.history_from_rows(LexSarahReport, "case_id", ids, user=user, reason=reason)
    bulk.copy_rows(IvoNotification, NOTIFICATION_COLUMNS, notifications, skip=("id",))
    bulk.history_from_rows(IvoNotification, "report_id", ids, user=user, reason=reason)
