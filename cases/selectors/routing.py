"""Reads for routing (fördelning, issue 18): the "Att fördela" queue and where a case may go."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from cases.actions import ROUTER_ROLES
from cases.deadlines import deadline_state, routing_due, routing_rules
from cases.models import Case, Membership, Role, Unit
from cases.selectors.people import units_valid
from cases.selectors.visibility import ResolvedScopes, resolved_scopes, units_in_scope
from cases.types import User, Viewer

QUEUE_LIMIT = 100
# The inbox shows the oldest of the queue (the rest follows as they are routed; each is also
# in the inbox's list below): 100 rows took a fifth of an area chef's inbox (issue 16).
QUEUE_SHOWN = 25
# What a queue row shows and links to, and what the page's access-log row needs (the unit's
# path finds the covering unit); a case row's other columns (its description among them)
# are not read.
QUEUE_FIELDS = ("kind", "reference", "title", "received_at", "unit__name", "unit__path")


@dataclass
class QueueRow:
    case: Case
    due_at: datetime
    state: str  # ok / soon / overdue (cases/deadlines.py)

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def routes_cases(user: Viewer) -> bool:
    """A registrator, or a sektionschef over units with units below them (an area's chef):
    the people whose inbox starts with the "Att fördela" queue. A section's own chef has
    nothing to route."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.active()
        .filter(user=user)
        .filter(Q(role=Role.REGISTRATOR) | Q(role=Role.SEKTIONSCHEF, unit__numchild__gt=0))
        .exists()
    )


def routing_queue_qs(user: User, scopes: ResolvedScopes | None = None) -> QuerySet[Case]:
    """The cases this user may route: waiting for routing, not skyddad, and in the subtree of
    their registrator membership, or of a sektionschef membership that lets them handle it.

    A sektionschef handles every case in scope that is not skyddad (`handle_rule`), so the
    queue is the open, non-skyddad cases of a routable type on the units with units below
    them that either role reaches: resolved to unit ids first (one query), then one query on
    the covering index of open cases, instead of a membership EXISTS per open case."""
    from cases.registry import routable_kinds

    scopes = scopes or resolved_scopes(user)
    units = scopes.routable_units((Role.REGISTRATOR, Role.SEKTIONSCHEF))
    return Case.objects.filter(
        kind__in=routable_kinds(), closed_at__isnull=True, skyddad=False, unit_id__in=units
    )


def routing_queue(
    user: Viewer,
    *,
    now: datetime | None = None,
    limit: int = QUEUE_LIMIT,
    scopes: ResolvedScopes | None = None,
) -> tuple[list[QueueRow], int]:
    """The "Att fördela" queue, oldest first, each row with its routing deadline (one working
    day by default) and its state; and the total (the list stops at QUEUE_LIMIT)."""
    if not user.is_authenticated:
        return [], 0
    now = now or timezone.now()
    # The total beside each row (a window over the whole queue, before the limit): one query
    # for rows and count instead of a second COUNT the ORM compiles and sends.
    cases = list(
        routing_queue_qs(user, scopes)
        .select_related("unit")
        .only(*QUEUE_FIELDS)
        .annotate(queue_total=Window(Count("pk")))
        .order_by("received_at", "id")[:limit]
    )
    total = cases[0].queue_total if cases else 0
    rows = []
    rules = routing_rules(c.kind for c in cases)  # one query, not one per row
    for case in cases:
        due = routing_due(case.kind, case.received_at, rules.get(case.kind))
        rows.append(QueueRow(case=case, due_at=due, state=deadline_state(due, now)))
    return rows, total


def routing_targets(user: Viewer, case: Case) -> QuerySet[Unit]:
    """Sections the user may route the case to: valid units without units below them, in the
    subtree of the user's router memberships, other than the case's own unit."""
    return (
        units_valid(units_in_scope(user, ROUTER_ROLES))
        .filter(numchild=0)
        .exclude(pk=case.unit_id)
        .order_by("path")
    )
