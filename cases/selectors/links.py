"""Cases linked to something a user reads (another case, a risk, a self-inspection run, a risk
analysis), shown only as far as the user may open them (DESIGN §5).

A linked case the user may not open is never named: no reference, no title, no type, not the
reason for the link. The page says how many there are ("1 kopplat ärende som du inte har
behörighet att se"), so the reader knows the lineage is incomplete and can ask, without
learning which cases they are. Omitting them silently would make an incomplete lineage look
complete, which misleads the person following up.

The queries do not grow with the number of links: two per list.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from cases.models import Case, CaseLink
from cases.types import Viewer

from .visibility import cases_visible_to, visible_rule


@dataclass(frozen=True)
class LinkedCases:
    """The linked cases the user may open (to show) and how many others there are."""

    cases: list[Case] = field(default_factory=list)
    hidden: int = 0

    def __bool__(self) -> bool:
        return bool(self.cases) or self.hidden > 0


def cases_split_visible(user: Viewer, linked: QuerySet[Case]) -> LinkedCases:
    """Split `linked` (e.g. `run.linked_cases.all()`) into the cases the user may open, by
    reference, and the count of the rest. Two queries."""
    total = linked.count()
    if not total:
        return LinkedCases()
    visible = list(
        cases_visible_to(user)
        .filter(pk__in=linked.values("pk"))
        .select_related("unit")
        .order_by("reference")
    )
    return LinkedCases(cases=visible, hidden=max(total - len(visible), 0))


@dataclass(frozen=True)
class CaseLinks:
    """A case's lineage: links to cases it led to (`outgoing`, other end = target) and from
    cases it came from (`incoming`, other end = source), each only when the other end is
    visible; `hidden` counts the links whose other end the user may not open."""

    outgoing: list[CaseLink] = field(default_factory=list)
    incoming: list[CaseLink] = field(default_factory=list)
    hidden: int = 0

    def __bool__(self) -> bool:
        return bool(self.outgoing or self.incoming) or self.hidden > 0


def case_links_visible(user: Viewer, case: Case, *, total: int | None = None) -> CaseLinks:
    """The case page's "Kopplade ärenden". Two queries, whatever the number of links; one when
    the page read the number of links with the case (`total`), none when there are none."""
    if total is None:
        total = CaseLink.objects.filter(Q(source=case) | Q(target=case)).count()
    if not total:
        return CaseLinks()
    if not user.is_authenticated:
        return CaseLinks(hidden=total)
    shown = list(
        CaseLink.objects.filter(
            (Q(source=case) & visible_rule(user, "target__"))
            | (Q(target=case) & visible_rule(user, "source__"))
        )
        .select_related("source", "target")
        .order_by("created_at", "id")
    )
    outgoing = [link for link in shown if link.source_id == case.pk]
    incoming = [link for link in shown if link.source_id != case.pk]
    return CaseLinks(outgoing=outgoing, incoming=incoming, hidden=max(total - len(shown), 0))
