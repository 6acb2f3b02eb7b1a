"""Utredning (§3.3.3): one investigation may cover several reports; drafts are saved often,
versioned by simple-history and protected by optimistic locking. Bedömning and closing."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Attachment, Case
from cases.services import ConcurrentEditError, ServiceError, audited_save
from cases.services.cases import case_assign, case_transition
from cases.services.errors import TransitionNotAllowed
from cases.services.history import person_name
from cases.services.parts import attachment_add
from cases.types import User

from ..actions import process_require
from ..models import (
    INVESTIGATION_SECTIONS,
    Assessment,
    Investigation,
    LexSarahReport,
)
from ..rules import close_blockers
from ..workflow import INVESTIGATION_START_FROM, WORKFLOW, LexSarahStatus
from ._common import (
    clean_text,
    lock_report,
    reason_text,
    require_action,
    require_not_assessed,
    require_open,
)
from .report import is_investigator

SECTION_MAX = 50_000


def _lock_reports(cases: list[Case]) -> list[LexSarahReport]:
    # Lock in primary-key order: two services locking the same reports never deadlock.
    return [lock_report(c) for c in sorted(cases, key=lambda c: c.pk)]


def _lock(investigation: Investigation) -> Investigation:
    return Investigation.objects.select_for_update().get(pk=investigation.pk)


def _may_join(report: LexSarahReport, actor: User) -> None:
    """A report joins an investigation through the case page's "investigate" step, whichever
    page starts it: the same rule, the same refusals."""
    require_action(report, "investigate", actor)
    if report.case.status not in INVESTIGATION_START_FROM:
        raise TransitionNotAllowed(
            WORKFLOW.label(report.case.status), WORKFLOW.label(LexSarahStatus.INVESTIGATING)
        )
    require_not_assessed(report)


def _join(report: LexSarahReport, investigation: Investigation, actor: User | None) -> None:
    if (
        report.investigations.filter(completed_at__isnull=True)
        .exclude(pk=investigation.pk)
        .exists()
    ):
        raise ServiceError(_("%s ingår redan i en pågående utredning.") % report.case.reference)
    if investigation.investigator and report.case.assignee_id != investigation.investigator.pk:
        # The investigator must be able to open every report the investigation covers.
        case_assign(
            case=report.case,
            assignee=investigation.investigator,
            actor=actor,
            reason=_("Utredare: %s") % person_name(investigation.investigator),
        )
    case_transition(
        case=report.case,
        to_status=LexSarahStatus.INVESTIGATING,
        actor=actor,
        reason=_("Utredning påbörjad"),
    )


@transaction.atomic
def investigation_create(
    *, cases: list[Case], actor: User, investigator: User | None = None
) -> Investigation:
    """Start one investigation covering the given reports (received, or notified urgently)."""
    if not cases:
        raise ServiceError(_("Välj minst en rapport som ska utredas."))
    reports = _lock_reports(cases)
    for report in reports:
        _may_join(report, actor)
    if investigator is not None and not is_investigator(investigator):
        raise ServiceError(_("%s är inte lex Sarah-utredare.") % person_name(investigator))
    if investigator is None:
        # Nobody chosen: the report's named investigator leads it, if they still hold the role.
        named = reports[0].case.assignee
        investigator = named if named is not None and is_investigator(named) else None
    investigation = Investigation(investigator=investigator)
    audited_save(investigation, actor=actor, reason=_("Utredning påbörjad"))
    for report in reports:
        _join(report, investigation, actor)
    investigation.reports.set(reports)
    return investigation


@transaction.atomic
def investigation_add_report(
    *, investigation: Investigation, case: Case, actor: User
) -> Investigation:
    locked = _lock(investigation)
    if locked.completed_at is not None:
        raise ServiceError(
            _("Utredningen är färdig. Öppna den igen innan du lägger till rapporter.")
        )
    report = lock_report(case)
    if locked.reports.filter(pk=report.pk).exists():
        return locked
    _may_join(report, actor)
    _join(report, locked, actor)
    locked.reports.add(report)
    return locked


@transaction.atomic
def investigation_save_draft(
    *,
    investigation: Investigation,
    expected_version: int,
    data: dict,
    actor: User,
    reason: str = "",
) -> Investigation:
    """Save the sections. A stale version raises ConcurrentEditError with the stored row: the
    view shows both texts and nothing is overwritten."""
    locked = _lock(investigation)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    if locked.completed_at is not None:
        raise ServiceError(_("Utredningen är färdig och kan inte längre ändras."))
    unknown = set(data) - set(INVESTIGATION_SECTIONS)
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(locked, name, clean_text(value, maximum=SECTION_MAX))
    locked.version += 1
    return audited_save(locked, actor=actor, reason=reason_text(reason) or _("Utkast sparat"))


@transaction.atomic
def investigation_attachment_add(
    *, investigation: Investigation, case: Case, upload: UploadedFile, actor: User
) -> Attachment:
    """Attachments belong to the report cases (the shared part), never to the investigation."""
    if not investigation.reports.filter(pk=case.pk).exists():
        raise ServiceError(_("Rapporten ingår inte i utredningen."))
    require_open(lock_report(case))
    return attachment_add(case=case, upload=upload, actor=actor)


def _set_assessment(
    report: LexSarahReport, assessment: str, motivation: str, actor: User, reason: str
) -> None:
    report.assessment = assessment
    report.assessment_motivation = motivation
    report.assessed_at = timezone.now()
    report.assessed_by = actor
    audited_save(report, actor=actor, reason=reason)


@transaction.atomic
def investigation_assess(
    *, investigation: Investigation, assessment: str, motivation: str, actor: User
) -> Investigation:
    """Bedömning with motivation: finishes the investigation, every covered report → bedömd."""
    if assessment not in Assessment.values:
        raise ServiceError(_("Välj en bedömning."))
    motivation = clean_text(motivation, maximum=10_000, empty_message=_("Motivera bedömningen."))
    locked = _lock(investigation)
    if locked.completed_at is not None:
        raise ServiceError(_("Utredningen är redan bedömd."))
    if not locked.events.strip():
        raise ServiceError(_("Beskriv händelseförloppet innan utredningen bedöms."))
    reports = _lock_reports([r.case for r in locked.reports.select_related("case")])
    for report in reports:
        process_require(report.case, "assess", actor)
    for report in reports:
        case_transition(
            case=report.case,
            to_status=LexSarahStatus.ASSESSED,
            actor=actor,
            reason=_("Bedömd: %s") % Assessment(assessment).label,
        )
        _set_assessment(report, assessment, motivation, actor, _("Bedömning"))
    locked.completed_at = timezone.now()
    if not locked.assessment_text.strip():
        locked.assessment_text = motivation
    locked.version += 1
    return audited_save(locked, actor=actor, reason=_("Utredningen bedömdes"))


@transaction.atomic
def investigation_reopen(
    *, investigation: Investigation, actor: User, reason: str
) -> Investigation:
    """Back to drafting before the AU has the reports (new facts came in). Once they are on
    the AU's agenda, only the AU's decision sends the investigation back (`reopen_for_au`)."""
    reason = clean_text(
        reason, maximum=500, empty_message=_("Skriv varför utredningen öppnas igen.")
    )
    locked = _lock(investigation)
    reports = _lock_reports([r.case for r in locked.reports.select_related("case")])
    for report in reports:
        process_require(report.case, "reopen", actor)
    return _reopen(locked, reports, actor, reason)


def reopen_for_au(
    *, investigation: Investigation, actor: User | None, reason: str
) -> Investigation:
    """The AU did not approve the measures: called by agenda_item_decide, which has checked
    the AU's own rule for every report and holds the locks."""
    locked = _lock(investigation)
    reports = _lock_reports([r.case for r in locked.reports.select_related("case")])
    return _reopen(locked, reports, actor, reason)


def _reopen(
    locked: Investigation, reports: list[LexSarahReport], actor: User | None, reason: str
) -> Investigation:
    for report in reports:
        if report.case.status != LexSarahStatus.INVESTIGATING:
            case_transition(
                case=report.case,
                to_status=LexSarahStatus.INVESTIGATING,
                actor=actor,
                reason=reason_text(reason),
            )
    locked.completed_at = None
    locked.version += 1
    return audited_save(locked, actor=actor, reason=reason_text(reason))


# --- Closing -----------------------------------------------------------------------------------


@transaction.atomic
def lexsarah_close(*, case: Case, actor: User, reason: str) -> Case:
    report = lock_report(case)
    require_action(report, "close", actor)  # says what is missing (e.g. no assessment yet)
    reason = clean_text(
        reason, maximum=500, empty_message=_("Skriv en motivering till att ärendet avslutas.")
    )
    problems = close_blockers(report)
    if problems:
        raise ServiceError(" ".join(problems))
    return case_transition(
        case=case,
        to_status=LexSarahStatus.CLOSED,
        actor=actor,
        reason=reason_text(reason),
        outcome=report.assessment,
    )
