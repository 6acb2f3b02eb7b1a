"""User-dependent reads for supervisory cases (tillsyn). `supervisions_visible_to` is the one
visibility rule: lists, counts and detail pages all start from it (DESIGN §5).

sektionschef, kvalitetsstrateg and arbetsutskott see a supervision when one of their active
memberships covers (subtree) at least one of the units concerned; writes need sektionschef or
kvalitetsstrateg in the same scope. Administratör and everyone else see nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Role, Unit
from cases.selectors.visibility import membership_scope
from cases.supervision.filters import SupervisionFilter
from cases.supervision.models import Authority, Supervision, SupervisionDecision
from cases.types import Params, Viewer

VIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG, Role.ARBETSUTSKOTT)
WRITE_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)

_Through = Supervision.units.through


def supervisions_visible_to(user: Viewer, *, write: bool = False) -> QuerySet[Supervision]:
    """One SQL query: EXISTS a concerned unit inside the subtree of one of the user's roles."""
    if not user.is_authenticated:
        return Supervision.objects.none()
    in_scope = membership_scope(user, WRITE_ROLES if write else VIEW_ROLES, "unit__path")
    concerned = _Through.objects.filter(supervision_id=OuterRef("pk")).filter(in_scope)
    return Supervision.objects.filter(Exists(concerned))


def supervision_get_visible(user: Viewer, pk: int) -> Supervision | None:
    return (
        supervisions_visible_to(user)
        .select_related("supervision_type", "created_by")
        .filter(pk=pk)
        .first()
    )


def supervision_can_write(user: Viewer, supervision: Supervision) -> bool:
    return supervisions_visible_to(user, write=True).filter(pk=supervision.pk).exists()


def _in_subtree(unit: Unit) -> Exists:
    return Exists(
        _Through.objects.filter(supervision_id=OuterRef("pk"), unit__path__startswith=unit.path)
    )


def supervision_list(user: Viewer, params: Params) -> SupervisionFilter:
    """The list page: visible supervisions filtered by `params` (myndighet, typ, ar = has a
    decision dated that year, status = open or closed by the authority)."""
    qs = (
        supervisions_visible_to(user)
        .select_related("supervision_type")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("path")))
    )
    # Explicit order: Meta.ordering is not applied to aggregate (GROUP BY) queries.
    qs = qs.annotate(
        decision_count=Count("decisions", distinct=True),
        last_decided_on=Max("decisions__decided_on"),
    ).order_by("-initiated_on", "-id")
    return SupervisionFilter(params, queryset=qs)


# --- counting by decision date (the yearly report and the list page) ---------------------------


@dataclass
class CountRow:
    authority: str
    authority_label: str
    type_code: str
    type_label: str
    cases: int = 0
    decisions: int = 0
    cases_with_deficiencies: int = 0

    @property
    def cases_without_deficiencies(self) -> int:
        return self.cases - self.cases_with_deficiencies


@dataclass
class SupervisionCounts:
    """Cases and decisions counted by decision date. A case counts in a period when at least one
    of its decisions is dated in it; rows are (authority, type) and sum to the totals."""

    start: date
    end: date
    rows: list[CountRow] = field(default_factory=list)
    deficiency_categories: list[tuple[str, int]] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.rows)

    @property
    def decisions(self) -> int:
        return sum(r.decisions for r in self.rows)

    def by_authority(self) -> list[CountRow]:
        totals: dict[str, CountRow] = {}
        for r in self.rows:
            t = totals.setdefault(r.authority, CountRow(r.authority, r.authority_label, "", ""))
            t.cases += r.cases
            t.decisions += r.decisions
            t.cases_with_deficiencies += r.cases_with_deficiencies
        return list(totals.values())

    def for_authority(self, authority: str) -> CountRow:
        found = next((r for r in self.by_authority() if r.authority == authority), None)
        return found or CountRow(authority, str(Authority(authority).label), "", "")

    def row(self, authority: str, type_code: str) -> CountRow:
        found = next(
            (r for r in self.rows if r.authority == authority and r.type_code == type_code), None
        )
        return found or CountRow(authority, str(Authority(authority).label), type_code, "")


def supervision_counts(
    *,
    start: date,
    end: date,
    unit: Unit | None = None,
    supervisions: QuerySet[Supervision] | None = None,
) -> SupervisionCounts:
    """Count supervision cases and decisions whose decision date lies in [start, end].

    `unit` limits to supervisions concerning a unit in that subtree; `supervisions` (e.g. a
    user's visible queryset) limits further. Two aggregate queries, whatever the volume.
    """
    base = supervisions if supervisions is not None else Supervision.objects.all()
    if unit is not None:
        base = base.filter(_in_subtree(unit))
    decisions = SupervisionDecision.objects.filter(
        decided_on__gte=start, decided_on__lte=end, supervision__in=base.values("pk")
    )
    grouped = (
        decisions.values(
            "supervision__authority",
            "supervision__supervision_type__code",
            "supervision__supervision_type__label",
            "supervision__supervision_type__order",
        )
        .annotate(
            n_cases=Count("supervision", distinct=True),
            n_decisions=Count("id"),
            n_deficient=Count("supervision", distinct=True, filter=Q(deficiencies_found=True)),
        )
        .order_by(
            "supervision__authority",
            "supervision__supervision_type__order",
            "supervision__supervision_type__label",
        )
    )
    rows = [
        CountRow(
            authority=g["supervision__authority"],
            authority_label=str(Authority(g["supervision__authority"]).label),
            type_code=g["supervision__supervision_type__code"] or "",
            type_label=g["supervision__supervision_type__label"] or _("Ej angivet"),
            cases=g["n_cases"],
            decisions=g["n_decisions"],
            cases_with_deficiencies=g["n_deficient"],
        )
        for g in grouped
    ]
    categories = (
        SupervisionDecision.deficiency_categories.through.objects.filter(
            supervisiondecision__in=decisions.filter(deficiencies_found=True)
        )
        .values("code__label")
        .annotate(n=Count("supervisiondecision", distinct=True))
        .order_by("-n", "code__label")
    )
    return SupervisionCounts(
        start=start,
        end=end,
        rows=rows,
        deficiency_categories=[(c["code__label"], c["n"]) for c in categories],
    )


def supervision_counts_for_year(
    *, year: int, unit: Unit | None = None, supervisions: QuerySet[Supervision] | None = None
) -> SupervisionCounts:
    return supervision_counts(
        start=date(year, 1, 1), end=date(year, 12, 31), unit=unit, supervisions=supervisions
    )
