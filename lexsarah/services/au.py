"""AU-behandling (§3.3.5): meetings, agenda items per investigation, the AU's decision."""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import IntegerField, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services import ServiceError, audited_save
from cases.services.cases import case_transition
from cases.types import User

from ..actions import process_require
from ..models import (
    FINDING_ASSESSMENTS,
    SERIOUS_ASSESSMENTS,
    AgendaItem,
    Assessment,
    AUMeeting,
    Investigation,
)
from ..selectors import au_members
from ..workflow import AGENDA_FROM, LexSarahStatus
from ._common import clean_text
from .investigation import _lock_reports, _set_assessment, reopen_for_au
from .ivo import ivo_decide_by_au


@transaction.atomic
def au_meeting_create(
    *,
    held_on: date,
    actor: User,
    chair: User | None = None,
    members: Iterable[User] = (),
    title: str = "",
) -> AUMeeting:
    """A meeting; without a title it is "Arbetsutskottets sammanträde YYYY-MM-DD", without
    members every holder of the arbetsutskott role is one (issue 18: "Ledamöter: –")."""
    title = (title or "").strip()[:200] or default_meeting_title(held_on)
    meeting = AUMeeting(held_on=held_on, chair=chair, title=title)
    audited_save(meeting, actor=actor, reason=_("AU-sammanträde skapat"))
    members = list(members) or list(au_members())
    if members:
        meeting.members.set(members)
    return meeting


def default_meeting_title(held_on: date) -> str:
    return _("Arbetsutskottets sammanträde %s") % held_on.isoformat()


def decision_allowed_on(meeting: AUMeeting, day: date | None = None) -> bool:
    """The AU decides at its meeting: on the meeting day or later, never before it."""
    return (day or timezone.localdate()) >= meeting.held_on


def _next_paragraph(meeting: AUMeeting) -> str:
    """AU paragraphs run per year across meetings (§ 1, § 2 …)."""
    numeric = AgendaItem.objects.filter(
        Q(paragraph__regex=r"^\d+$"), meeting__held_on__year=meeting.held_on.year
    ).aggregate(n=Max(Cast("paragraph", IntegerField())))["n"]
    return str((numeric or 0) + 1)


@transaction.atomic
def agenda_item_add(
    *, meeting: AUMeeting, investigation: Investigation, actor: User, paragraph: str = ""
) -> AgendaItem:
    """Put an assessed investigation with a finding on the agenda; its reports → AU."""
    meeting = AUMeeting.objects.select_for_update().get(pk=meeting.pk)
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    if investigation.completed_at is None:
        raise ServiceError(_("Utredningen är inte färdig och bedömd."))
    if AgendaItem.objects.filter(meeting=meeting, investigation=investigation).exists():
        raise ServiceError(_("Utredningen finns redan på dagordningen."))
    reports = _lock_reports([r.case for r in investigation.reports.select_related("case")])
    for report in reports:
        process_require(report.case, "au_agenda", actor)
        if report.assessment not in FINDING_ASSESSMENTS:
            raise ServiceError(
                _("%s har inget missförhållande att behandla.") % report.case.reference
            )
        if report.case.status not in AGENDA_FROM:
            raise ServiceError(_("%s är inte redo för arbetsutskottet.") % report.case.reference)
    item = AgendaItem(
        meeting=meeting,
        investigation=investigation,
        paragraph=(paragraph or "").strip()[:20] or _next_paragraph(meeting),
    )
    audited_save(item, actor=actor, reason=_("Lagd på dagordningen"))
    for report in reports:
        if report.case.status == LexSarahStatus.ASSESSED:
            case_transition(
                case=report.case,
                to_status=LexSarahStatus.AU,
                actor=actor,
                reason=_("Till arbetsutskottet § %s") % item.paragraph,
            )
    return item


@transaction.atomic
def agenda_item_decide(
    *,
    item: AgendaItem,
    actor: User,
    measures_approved: bool,
    severity: str,
    ivo: bool,
    minutes: str = "",
) -> AgendaItem:
    """The AU decides severity, whether the measures suffice and whether IVO is notified.
    A serious severity always means an IVO notification."""
    if severity not in Assessment.values:
        raise ServiceError(_("Välj arbetsutskottets bedömning av allvarlighetsgraden."))
    if severity in SERIOUS_ASSESSMENTS and not ivo:
        raise ServiceError(
            _(
                "Ett allvarligt missförhållande eller en påtaglig risk för ett "
                "sådant ska anmälas till IVO."
            )
        )
    item = (
        AgendaItem.objects.select_for_update()
        .select_related("meeting", "investigation")
        .get(pk=item.pk)
    )
    if item.decided_at is not None:
        raise ServiceError(_("Arbetsutskottet har redan beslutat i ärendet."))
    if not decision_allowed_on(item.meeting):
        raise ServiceError(
            _("Arbetsutskottet kan besluta först på sammanträdesdagen %s.")
            % item.meeting.held_on.isoformat()
        )
    reports = _lock_reports([r.case for r in item.investigation.reports.select_related("case")])
    for report in reports:
        # A report taken back to investigation meanwhile is no longer the AU's to decide.
        process_require(report.case, "au_decide", actor)
    item.measures_approved = bool(measures_approved)
    item.severity = severity
    item.ivo_decided = bool(ivo)
    item.minutes = clean_text(minutes, maximum=10_000)
    item.decided_at = timezone.now()
    audited_save(item, actor=actor, reason=_("Arbetsutskottets beslut § %s") % item.paragraph)
    for report in reports:
        report.au_date = item.meeting.held_on
        if report.assessment != severity:
            # The AU's severity decision is the report's assessment from now on (history keeps
            # the investigator's).
            _set_assessment(
                report,
                severity,
                report.assessment_motivation,
                actor,
                _("Arbetsutskottet ändrade bedömningen"),
            )
        else:
            audited_save(report, actor=actor, reason=_("Behandlad av arbetsutskottet"))
        if ivo:
            ivo_decide_by_au(report=report, agenda_item=item, actor=actor)
    if not measures_approved:
        reopen_for_au(
            investigation=item.investigation,
            actor=actor,
            reason=_("Arbetsutskottet godkände inte åtgärderna (§ %s)") % item.paragraph,
        )
    return item
