"""Anmälan till IVO (§3.3.6–7): decided by the AU or, when it cannot wait, by the chair before
the investigation is finished; the anmälan is sent "snarast" (7 days) and IVO's decision kept."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import due_for
from cases.models import Case
from cases.services import ServiceError, audited_save
from cases.services.cases import case_set_deadline, case_transition
from cases.types import User

from ..models import AgendaItem, IvoNotification, IvoOutcome, IvoPath, LexSarahReport
from ..workflow import LexSarahStatus
from ._common import clean_text, lock_report, reason_text, require_action

IVO_STEP = "ivo_notification"


def _set_case_deadline(case: Case, due_at: datetime | None, actor: User) -> None:
    # The core computes deadlines from receipt; the IVO week runs from the decision.
    case_set_deadline(
        case=case,
        step=IVO_STEP,
        due_at=due_at,
        actor=actor,
        reason=_("Tidsfrist för anmälan till IVO"),
    )


def _decide(
    report: LexSarahReport,
    *,
    path: str,
    actor: User,
    motivation: str = "",
    agenda_item: AgendaItem | None = None,
    decided_at: datetime | None = None,
) -> IvoNotification:
    existing = IvoNotification.objects.filter(report=report).first()
    if existing is not None:
        return existing  # already decided (e.g. urgently, before the AU)
    decided_at = decided_at or timezone.now()
    notification = IvoNotification(
        report=report,
        path=path,
        agenda_item=agenda_item,
        decided_at=decided_at,
        decided_by=actor,
        motivation=motivation,
        due_at=due_for("lexsarah", IVO_STEP, decided_at),
    )
    audited_save(notification, actor=actor, reason=str(IvoPath(path).label))
    case_transition(
        case=report.case,
        to_status=LexSarahStatus.IVO,
        actor=actor,
        reason=reason_text(str(IvoPath(path).label)),
    )
    _set_case_deadline(report.case, notification.due_at, actor)
    return notification


@transaction.atomic
def ivo_decide_urgent(*, case: Case, actor: User, motivation: str) -> IvoNotification:
    """The chair's urgent decision: only before the investigation is finished, and recorded
    as such (path = ordförande)."""
    report = lock_report(case)
    require_action(report, "urgent", actor)
    if IvoNotification.objects.filter(report=report).exists():
        raise ServiceError(_("Anmälan till IVO är redan beslutad."))
    motivation = clean_text(
        motivation, maximum=5000, empty_message=_("Motivera varför anmälan inte kan vänta.")
    )
    return _decide(report, path=IvoPath.URGENT, actor=actor, motivation=motivation)


def ivo_decide_by_au(
    *, report: LexSarahReport, agenda_item: AgendaItem, actor: User
) -> IvoNotification:
    """Called by agenda_item_decide inside its transaction, with the report locked."""
    return _decide(
        report,
        path=IvoPath.AU,
        actor=actor,
        agenda_item=agenda_item,
        motivation=agenda_item.minutes,
    )


def _notification(case: Case, action: str, actor: User | None) -> IvoNotification:
    report = lock_report(case)
    require_action(report, action, actor)
    notification = IvoNotification.objects.select_for_update().filter(report=report).first()
    if notification is None:
        raise ServiceError(_("Någon anmälan till IVO är inte beslutad."))
    return notification


@transaction.atomic
def ivo_notification_sent(
    *, case: Case, sent_on: date, actor: User, ivo_reference: str = ""
) -> IvoNotification:
    notification = _notification(case, "ivo_sent", actor)
    if notification.sent_on is not None:
        raise ServiceError(_("Anmälan är redan registrerad som skickad till IVO."))
    if sent_on > timezone.localdate():
        raise ServiceError(_("Datumet kan inte ligga i framtiden."))
    if sent_on < timezone.localdate(notification.decided_at):
        raise ServiceError(_("Anmälan kan inte ha skickats före beslutet."))
    notification.sent_on = sent_on
    notification.ivo_reference = (ivo_reference or "").strip()[:60]
    audited_save(notification, actor=actor, reason=_("Anmälan skickad till IVO"))
    case.refresh_from_db(fields=["due_step"])
    if case.due_step == IVO_STEP:
        _set_case_deadline(case, None, actor)
    return notification


@transaction.atomic
def ivo_decision_record(
    *, case: Case, decision_date: date, outcome: str, actor: User, note: str = ""
) -> IvoNotification:
    """IVO's answer may arrive after the case is closed; it is recorded all the same."""
    notification = _notification(case, "ivo_decision", actor)
    if notification.sent_on is None:
        raise ServiceError(_("Registrera först när anmälan skickades till IVO."))
    if notification.decision_outcome:
        raise ServiceError(_("IVO:s beslut är redan registrerat."))
    if outcome not in IvoOutcome.values:
        raise ServiceError(_("Välj IVO:s beslut."))
    if decision_date < notification.sent_on:
        raise ServiceError(_("IVO:s beslut kan inte vara daterat före anmälan."))
    if decision_date > timezone.localdate():
        raise ServiceError(_("Datumet kan inte ligga i framtiden."))
    notification.decision_date = decision_date
    notification.decision_outcome = outcome
    notification.decision_note = clean_text(note, maximum=5000)
    return audited_save(notification, actor=actor, reason=_("IVO:s beslut registrerat"))
