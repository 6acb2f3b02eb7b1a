"""User-dependent reads for lex Sarah. Everything starts from cases.selectors (DESIGN §5): the
report cases a user sees decide which investigations and AU items they see."""

from collections.abc import Iterable
from datetime import date
from typing import cast

from django.contrib.auth import get_user_model
from django.db.models import Exists, Expression, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.models import Case, CaseKind, Membership, Role
from cases.selectors import cases_handleable_by, cases_reported_by, cases_visible_to, user_roles
from cases.selectors.visibility import membership_scope, visible_rule
from cases.types import User, Viewer

from .models import AgendaItem, AUMeeting, Investigation, LexSarahReport

AU_PAGE_ROLES = (Role.ARBETSUTSKOTT, Role.KVALITETSSTRATEG)
IVO_ROLES = (Role.ARBETSUTSKOTT, Role.KVALITETSSTRATEG)
CHEF_ROLES = (Role.SEKTIONSCHEF,)


def reports_visible_to(user: Viewer) -> QuerySet[Case]:
    return cases_visible_to(user).filter(kind=CaseKind.LEXSARAH)


def reports_of_reporter(user: Viewer) -> QuerySet[Case]:
    """The reporter's own reports, for a status-only list (never the handling)."""
    return cases_reported_by(user).filter(kind=CaseKind.LEXSARAH).order_by("-received_at")


def _every_report_in(cases: QuerySet[Case]) -> Expression:
    """No covered report outside `cases`: an investigation shows text about each of them."""
    through = Investigation.reports.through
    return ~Exists(
        through.objects.filter(investigation_id=OuterRef("pk")).exclude(
            lexsarahreport_id__in=cases.values("pk")
        )
    )


def investigations_visible_to(user: Viewer) -> QuerySet[Investigation]:
    """No covered report the user may not see, tested report by report with the row form of
    the visibility rule (`visible_rule`): as `NOT IN (every visible report)` PostgreSQL
    hashed every lex Sarah case the user sees first (40 ms per query at 1.5 million cases,
    twice on the AU start page, even with no investigation at all)."""
    if not user.is_authenticated:
        return Investigation.objects.none()
    prefix = "lexsarahreport__case__"
    visible = Q(**{f"{prefix}kind": CaseKind.LEXSARAH}) & visible_rule(user, prefix)
    hidden = Investigation.reports.through.objects.filter(investigation_id=OuterRef("pk"))
    return Investigation.objects.filter(~Exists(hidden.exclude(visible)))


def investigations_handleable_by(user: Viewer) -> QuerySet[Investigation]:
    if not user.is_authenticated:
        return Investigation.objects.none()
    handle = cases_handleable_by(user).filter(kind=CaseKind.LEXSARAH)
    return Investigation.objects.filter(_every_report_in(handle))


def can_handle(user: Viewer, case: Case) -> bool:
    return cases_handleable_by(user).filter(pk=case.pk).exists()


def is_chef_for(user: User, case: Case) -> bool:
    """A sektionschef in scope of the case's unit (receives, immediate measures, assigns)."""
    return (
        Case.objects.filter(pk=case.pk, skyddad=False)
        .filter(membership_scope(user, CHEF_ROLES))
        .exists()
    )


def has_role(user: Viewer, roles: Iterable[str]) -> bool:
    return bool(user_roles(user) & set(roles))


def au_meetings_visible_to(user: Viewer) -> QuerySet[AUMeeting]:
    if not has_role(user, AU_PAGE_ROLES):
        return AUMeeting.objects.none()
    return _meetings()


def _meetings() -> QuerySet[AUMeeting]:
    return AUMeeting.objects.select_related("chair").prefetch_related("members")


def agenda_items_visible(user: Viewer, meeting: AUMeeting) -> QuerySet[AgendaItem]:
    """The items of a meeting whose investigations the user may read."""
    return (
        meeting.items.filter(investigation__in=investigations_visible_to(user))
        .select_related("investigation", "investigation__investigator")
        .prefetch_related("investigation__reports__case__unit")
        .order_by("id")
    )


def au_next_meeting(user: Viewer, day: date | None = None) -> AUMeeting | None:
    """The first meeting on or after today that the user may see (issue 18: shown first)."""
    if not has_role(user, AU_PAGE_ROLES):
        return None
    return _next_meeting(day)


def _next_meeting(day: date | None) -> AUMeeting | None:
    day = day or timezone.localdate()
    return _meetings().filter(held_on__gte=day).order_by("held_on", "id").first()


def au_decisions_waiting(user: Viewer, day: date | None = None) -> QuerySet[AgendaItem]:
    """Agenda items of meetings held today or earlier without the AU's decision, whose
    investigations the user may read: what the chair has to decide now."""
    if not has_role(user, AU_PAGE_ROLES):
        return AgendaItem.objects.none()
    return _decisions_waiting(user, day)


def _decisions_waiting(user: Viewer, day: date | None) -> QuerySet[AgendaItem]:
    day = day or timezone.localdate()
    return (
        AgendaItem.objects.filter(
            decided_at__isnull=True,
            meeting__held_on__lte=day,
            investigation__in=investigations_visible_to(user),
        )
        .select_related("meeting")
        .prefetch_related("investigation__reports__case")
        .order_by("meeting__held_on", "id")
    )


def au_start_context(user: Viewer) -> dict:
    """The AU card on the start page: the next meeting with its agenda size and the decisions
    waiting (cases/registry.py StartPanel). "cases" go to the page's access-log row."""
    # The role is checked once here (one query), not again by each selector below.
    if not has_role(user, AU_PAGE_ROLES):
        return {
            "au_next_meeting": None,
            "au_agenda_size": 0,
            "au_waiting": [],
            "au_ready_count": 0,
            "cases": [],
        }
    meeting = _next_meeting(None)
    waiting = list(_decisions_waiting(user, None)[:20])
    agenda_size = agenda_items_visible(user, meeting).count() if meeting is not None else 0
    return {
        "au_next_meeting": meeting,
        "au_agenda_size": agenda_size,
        "au_waiting": waiting,
        "au_ready_count": investigations_ready_for_au(user).count(),
        "cases": [r.case for item in waiting for r in item.investigation.reports.all()],
    }


def investigations_ready_for_au(user: Viewer) -> QuerySet[Investigation]:
    """Assessed investigations with a finding whose reports wait for the AU."""
    from .workflow import AGENDA_FROM

    waiting = LexSarahReport.objects.filter(
        investigations=OuterRef("pk"), case__status__in=AGENDA_FROM
    ).exclude(assessment="inget")
    return (
        investigations_visible_to(user)
        .filter(Exists(waiting), completed_at__isnull=False)
        .prefetch_related("reports__case")
    )


def report_for_case(case: Case) -> LexSarahReport | None:
    """The report with what the case page shows of it. Read once per case instance: the
    actions' conditions (lexsarah/actions.py) and the page's part share it."""
    if Case.lexsarah.is_cached(case):
        return cast(LexSarahReport | None, Case.lexsarah.related.get_cached_value(case))
    report = (
        LexSarahReport.objects.select_related(
            "reporter_type", "assessed_by", "ivo", "ivo__decided_by"
        )
        .prefetch_related("immediate_measures__author", "investigations")
        .filter(pk=case.pk)
        .first()
    )
    Case.lexsarah.related.set_cached_value(case, report)
    return report


def investigators() -> QuerySet[User]:
    """People who hold the lex Sarah-utredare role today."""
    roles = Membership.objects.active().filter(user=OuterRef("pk"), role=Role.UTREDARE)
    return (
        get_user_model()
        .objects.filter(Exists(roles), is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def au_members() -> QuerySet[User]:
    roles = Membership.objects.active().filter(user=OuterRef("pk"), role=Role.ARBETSUTSKOTT)
    return (
        get_user_model()
        .objects.filter(Exists(roles), is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def joinable_reports(user: Viewer, exclude_pk: int | None = None) -> QuerySet[Case]:
    """Other reports the user may add to an investigation (received or urgently notified,
    not in an open investigation)."""
    from .workflow import INVESTIGATION_START_FROM

    busy = Investigation.reports.through.objects.filter(
        lexsarahreport_id=OuterRef("pk"), investigation__completed_at__isnull=True
    )
    qs = (
        cases_handleable_by(user)
        .filter(kind=CaseKind.LEXSARAH, status__in=INVESTIGATION_START_FROM)
        .exclude(Exists(busy))
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-received_at")
