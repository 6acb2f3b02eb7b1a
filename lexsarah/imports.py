"""Import applier for lex Sarah rows (cases.imports): the report row with bedömning, AU date
and IVO dates/outcome, written in bulk with history (100 000 rows must take < 60 s)."""

from datetime import datetime, time

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import IvoNotification, IvoOutcome, IvoPath, LexSarahReport

# Import spellings of IVO's decision → our codes (unknown texts are kept as "annat").
IVO_OUTCOMES = {
    "avslutat": IvoOutcome.CLOSED, "fullgjort": IvoOutcome.FULFILLED,
    "fullgjort utredningsskyldighet": IvoOutcome.FULFILLED, "kritik": IvoOutcome.CRITICISM,
    "vantar": IvoOutcome.PENDING, "väntar på utredning": IvoOutcome.PENDING,
    "egen_tillsyn": IvoOutcome.INVESTIGATING,
}


def _aware(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _outcome(text: str) -> str:
    text = (text or "").strip().lower()
    if not text:
        return ""
    return IVO_OUTCOMES.get(text, text if text in IvoOutcome.values else IvoOutcome.OTHER)


def apply_import_rows(items, *, codes, user, reason: str) -> None:
    """items: list of (Case, CaseRow)."""
    reports, notifications = [], []
    for case, row in items:
        assessment = row.raw.get("bedomning", "")
        reports.append(LexSarahReport(
            case=case, assessment=assessment, au_date=row.dates.get("au_datum"),
            assessed_at=_aware(row.dates.get("au_datum") or row.received) if assessment else None,
        ))
        sent = row.dates.get("ivo_anmald")
        if sent:
            notifications.append(IvoNotification(
                report_id=case.pk, path=IvoPath.AU, decided_at=_aware(sent), decided_by=user,
                sent_on=sent, decision_date=row.dates.get("ivo_beslut_datum"),
                decision_outcome=_outcome(row.raw.get("ivo_beslut", "")),
            ))
    bulk_create_with_history(reports, LexSarahReport, batch_size=2000, default_user=user,
                             default_change_reason=reason)
    bulk_create_with_history(notifications, IvoNotification, batch_size=2000, default_user=user,
                             default_change_reason=reason)
