"""Rapport, mottagande, omedelbara åtgärder and the investigator's assignment (§3.3.1–2)."""

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseKind, Code, CodeList, Membership, Role, Unit
from cases.queue import task
from cases.services import ServiceError, audited_save
from cases.services.cases import case_assign, case_assignee_require, case_create, case_transition
from cases.services.history import person_name
from cases.services.parts import case_link
from cases.types import User

from ..models import ImmediateMeasure, LexSarahReport, ReportKind
from ..workflow import LexSarahStatus
from ._common import (
    clean_text,
    lock_report,
    reason_text,
    require_action,
    require_not_assessed,
)

logger = logging.getLogger(__name__)

IMY_RULE = ("lexsarah", "imy_breach")
IMY_DEFAULT_HOURS = 72


def _reporter_type(value: Code | str | None) -> Code | None:
    if value in (None, ""):
        return None
    if isinstance(value, Code):
        if value.codelist != CodeList.REPORTER_TYPE:
            raise ServiceError(_("Fel kodlista för rapportörstyp."))
        return value
    found = Code.objects.filter(codelist=CodeList.REPORTER_TYPE, code=value).first()
    if found is None:
        raise ServiceError(_("Okänd rapportörstyp: %s.") % value)
    return found


def imy_due(start: datetime) -> datetime:
    """GDPR art. 33: 72 hours, counted in hours, not to the end of a day. The rule's `days`
    is the configurable part (3 days = 72 h)."""
    from cases.models import DeadlineRule

    rule = DeadlineRule.objects.filter(kind=IMY_RULE[0], step=IMY_RULE[1]).first()
    hours = rule.days * 24 if rule else IMY_DEFAULT_HOURS
    return start + timedelta(hours=hours)


@transaction.atomic
def lexsarah_report_create(
    *,
    unit: Unit,
    title: str,
    description: str,
    actor: User,
    reporter: User | None = None,
    occurred_at: datetime | None = None,
    source_case: Case | None = None,
    reason: str = "",
    reporter_type: Code | str | None = None,
    persons_affected: str = "",
    concerns_child: bool = False,
    report_kind: str = ReportKind.MISSFORHALLANDE,
    personal_data_breach: bool = False,
    received_at: datetime | None = None,
    notify: bool = True,
) -> Case:
    """A lex Sarah report: the Case (kind lexsarah) and its one-to-one report row. The unit's
    chef is told at once, after commit."""
    if report_kind not in ReportKind.values:
        raise ServiceError(_("Välj om rapporten gäller ett missförhållande eller en risk."))
    description = clean_text(description, empty_message=_("Beskriv vad som hänt."))
    title = (title or "").strip()[:200] or _("Lex Sarah-rapport – %s") % unit.name
    if occurred_at and occurred_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("Händelsen kan inte ha inträffat i framtiden."))
    why = reason_text(reason) or _("Lex Sarah-rapport registrerades")
    case = case_create(
        kind=CaseKind.LEXSARAH,
        unit=unit,
        title=title,
        description=description,
        occurred_on=timezone.localdate(occurred_at) if occurred_at else None,
        received_at=received_at,
        reporter=reporter,
        actor=actor,
        reason=why,
    )
    report = LexSarahReport(
        case=case,
        report_kind=report_kind,
        reporter_type=_reporter_type(reporter_type),
        occurred_at=occurred_at,
        persons_affected=clean_text(persons_affected, maximum=2000),
        concerns_child=bool(concerns_child),
        personal_data_breach=bool(personal_data_breach),
        imy_due_at=imy_due(case.received_at) if personal_data_breach else None,
    )
    audited_save(report, actor=actor, reason=why)
    if source_case is not None:
        case_link(source=source_case, target=case, kind="escalated", actor=actor, reason=why)
    if notify:
        chef_notification_enqueue(case_id=case.pk)
    return case


# --- Chef notification ---------------------------------------------------------------------


def unit_chefs(unit: Unit) -> list:
    """The chefs of the unit; if it has none, those of the nearest ancestor that has one."""
    paths = [unit.path[: i * unit.steplen] for i in range(unit.depth, 0, -1)]
    memberships = (
        Membership.objects.active()
        .filter(role=Role.SEKTIONSCHEF, unit__path__in=paths, user__is_active=True)
        .select_related("user", "unit")
    )
    by_path: dict[str, list] = {}
    for m in memberships:
        by_path.setdefault(m.unit.path, []).append(m.user)
    for path in paths:
        if by_path.get(path):
            return by_path[path]
    return []


def chef_notification_enqueue(*, case_id: int) -> None:
    """After commit: hand to Celery; if the broker is down, send here (never lose the alert)."""

    def _dispatch() -> None:
        try:
            task("lexsarah.tasks.send_chef_notification").delay(case_id)
        except Exception:  # noqa: BLE001 - any broker failure; the chef must still be told
            logger.warning(
                "Broker unreachable; lex Sarah chef e-mail %s inline", case_id, exc_info=True
            )
            try:
                chef_notification_send(case_id=case_id)
            except Exception:  # noqa: BLE001 - never break the reporter's request
                logger.exception("Lex Sarah chef e-mail %s failed", case_id)

    transaction.on_commit(_dispatch)


def chef_notification_send(*, case_id: int) -> bool:
    """Idempotent: stamped on the report. The mail holds no case content (OSL 26 kap.)."""
    with transaction.atomic():
        report = (
            LexSarahReport.objects.select_for_update(of=("self",))
            .select_related("case", "case__unit")
            .filter(pk=case_id)
            .first()
        )
        if report is None or report.chef_notified_at is not None:
            return False
        recipients = [u.email for u in unit_chefs(report.case.unit) if u.email]
        if not recipients:
            logger.warning("Lex Sarah %s: no chef with e-mail for the unit", case_id)
            return False
        case = report.case
        url = settings.SITE_URL.rstrip("/") + case.get_absolute_url()
        subject = _("Ny lex Sarah-rapport %s") % case.reference
        body = _(
            "En lex Sarah-rapport har kommit in för %(unit)s (%(ref)s).\n\n"
            "Omedelbara åtgärder ska vidtas samma dag. Logga in i Avvika för att läsa "
            "rapporten:\n%(url)s\n"
        ) % {"unit": case.unit.name, "ref": case.reference, "url": url}
        if report.personal_data_breach:
            body += _(
                "\nRapporten gäller en möjlig personuppgiftsincident: IMY ska ha en "
                "anmälan inom 72 timmar.\n"
            )
        send_mail(subject, body, None, recipients)
        report.chef_notified_at = timezone.now()
        audited_save(report, actor=None, reason=_("Chefen underrättades"))
    return True


# --- Receiving and immediate measures ---------------------------------------------------------


@transaction.atomic
def immediate_measure_add(
    *, case: Case, text: str, actor: User, taken_at: datetime | None = None
) -> ImmediateMeasure:
    report = lock_report(case)
    require_action(report, "immediate", actor)
    require_not_assessed(report)
    return _measure_add(report, text=text, actor=actor, taken_at=taken_at)


def _measure_add(
    report: LexSarahReport, *, text: str, actor: User | None, taken_at: datetime | None = None
) -> ImmediateMeasure:
    taken_at = taken_at or timezone.now()
    if taken_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("Tidpunkten för åtgärden kan inte ligga i framtiden."))
    measure = ImmediateMeasure(
        report=report,
        taken_at=taken_at,
        author=actor,
        text=clean_text(text, maximum=5000, empty_message=_("Beskriv den omedelbara åtgärden.")),
    )
    return audited_save(measure, actor=actor, reason=_("Omedelbar åtgärd"))


@transaction.atomic
def lexsarah_receive(
    *, case: Case, actor: User, reason: str = "", immediate_measure: str = ""
) -> Case:
    """Rapporterad → mottagen: the chef has read the report (and may record a measure)."""
    report = lock_report(case)
    require_action(report, "receive", actor)
    if immediate_measure.strip():
        # Part of receiving: the receive rule covers it (one gate per service).
        _measure_add(report, text=immediate_measure, actor=actor)
    return case_transition(
        case=case,
        to_status=LexSarahStatus.RECEIVED,
        actor=actor,
        reason=reason_text(reason) or _("Mottagen av chef"),
    )


def is_investigator(user: User) -> bool:
    return Membership.objects.active().filter(user=user, role=Role.UTREDARE).exists()


@transaction.atomic
def lexsarah_assign_investigator(
    *, case: Case, assignee: User | None, actor: User, reason: str = ""
) -> Case:
    """The chef names a lex Sarah-utredare; case_assign grants view_case + handle_case."""
    report = lock_report(case)
    require_action(report, "assign", actor)
    require_not_assessed(report)
    if assignee is not None and not is_investigator(assignee):
        raise ServiceError(_("%s är inte lex Sarah-utredare.") % person_name(assignee))
    case_assignee_require(case, assignee)
    return case_assign(
        case=case,
        assignee=assignee,
        actor=actor,
        reason=reason_text(reason)
        or (_("Utredare: %s") % person_name(assignee) if assignee else ""),
    )


@transaction.atomic
def imy_report_record(
    *, case: Case, actor: User, reported_at: datetime | None = None
) -> LexSarahReport:
    report = lock_report(case)
    require_action(report, "imy", actor)
    if not report.personal_data_breach:
        raise ServiceError(_("Rapporten är inte markerad som personuppgiftsincident."))
    if report.imy_reported_at is not None:
        raise ServiceError(_("Anmälan till IMY är redan registrerad."))
    reported_at = reported_at or timezone.now()
    if reported_at > timezone.now() + timedelta(minutes=5):
        raise ServiceError(_("Tidpunkten kan inte ligga i framtiden."))
    report.imy_reported_at = reported_at
    return audited_save(report, actor=actor, reason=_("Anmäld till IMY"))


def lexsarah_spawn(
    *,
    unit: Unit,
    title: str,
    description: str,
    actor: User,
    reporter: User | None = None,
    occurred_on: date | None = None,
    source_case: Case | None = None,
    reason: str = "",
    **extra: Any,
) -> Case:
    """The registry's cross-type create (`CaseType.spawn`): a report from another case (an
    escalated complaint, a reclassified deviation), whose event date is a day, not a time."""
    occurred_at = (
        timezone.make_aware(datetime.combine(occurred_on, datetime.min.time()))
        if occurred_on
        else None
    )
    return lexsarah_report_create(
        unit=unit,
        title=title,
        description=description,
        actor=actor,
        reporter=reporter,
        occurred_at=occurred_at,
        source_case=source_case,
        reason=reason,
        **extra,
    )
