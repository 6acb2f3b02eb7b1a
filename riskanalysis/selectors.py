"""User-dependent reads for risk analyses. `analyses_visible_to` is the one visibility rule.

Analyses are not personal case data but may hold sensitive text: sektionschef, kvalitetsstrateg
and arbetsutskott see an analysis when their membership subtree covers at least one of its units;
writes need sektionschef or kvalitetsstrateg in the same scope. Everything else sees nothing.
"""

from datetime import date
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, Measure, Role, Unit
from cases.selectors.links import LinkedCases, cases_split_visible
from cases.selectors.visibility import cases_visible_to, membership_scope
from cases.types import Params, Viewer

from .filters import AnalysisFilter
from .models import Risk, RiskAnalysis

VIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG, Role.ARBETSUTSKOTT)
WRITE_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


class OverdueItem(NamedTuple):
    title: str
    url: str
    due_date: date | None  # never None for overdue items; the model field is nullable
    unit: Unit | None


def analyses_visible_to(user: Viewer, *, write: bool = False) -> QuerySet[RiskAnalysis]:
    """One SQL query: EXISTS a covered unit inside the subtree of one of the user's roles."""
    if not user.is_authenticated:
        return RiskAnalysis.objects.none()
    in_scope = membership_scope(user, WRITE_ROLES if write else VIEW_ROLES, "unit__path")
    covered = RiskAnalysis.units.through.objects.filter(riskanalysis_id=OuterRef("pk")).filter(
        in_scope
    )
    return RiskAnalysis.objects.filter(Exists(covered))


def analysis_list(user: Viewer, params: Params) -> AnalysisFilter:
    """The list page: visible analyses filtered by `params` (status, year, arende)."""
    qs = (
        analyses_visible_to(user)
        .select_related("trigger", "scale")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("path")))
    )
    return AnalysisFilter(params, queryset=qs, user=user)


def _overdue_filter(today: date) -> Q:
    return Q(follow_up_on__lt=today, follow_up_result="") & ~Q(
        status=RiskAnalysis.Status.FOLLOWED_UP
    )


def overdue_analyses(user: Viewer) -> QuerySet[RiskAnalysis]:
    today = timezone.localdate()
    return (
        analyses_visible_to(user)
        .filter(_overdue_filter(today))
        .prefetch_related(Prefetch("units", queryset=Unit.objects.order_by("path")))
        .order_by("follow_up_on", "id")
    )


def overdue_items_for(user: Viewer) -> list[OverdueItem]:
    """Risk analyses whose follow-up date has passed (Europe/Stockholm date) without a result."""
    return [
        OverdueItem(a.title, a.get_absolute_url(), a.follow_up_on, next(iter(a.units.all()), None))
        for a in overdue_analyses(user)
    ]


def source_cases_visible(user: Viewer, analysis: RiskAnalysis) -> LinkedCases:
    """The deviations the analysis was started from, as far as the user may open them."""
    return cases_split_visible(user, analysis.source_cases.all())


def analysis_risks(user: Viewer, analysis: RiskAnalysis) -> list[Risk]:
    """The analysis's risks with their measures and the deviations created from each risk.

    Each risk carries `visible_cases` (the linked cases the user may open, by reference) and
    `hidden_case_count` (the others, shown only as a number). Three queries, whatever the
    number of risks, measures and links.
    """
    visible = cases_visible_to(user).order_by("reference")
    risks: list[Risk] = list(
        analysis.risks.annotate(linked_total=Count("linked_cases", distinct=True)).prefetch_related(
            Prefetch(
                "measures", queryset=Measure.objects.select_related("measure_type", "responsible")
            ),
            Prefetch("linked_cases", queryset=visible, to_attr="visible_cases"),
        )
    )
    for risk in risks:
        shown = len(vars(risk)["visible_cases"])
        vars(risk)["hidden_case_count"] = max(vars(risk)["linked_total"] - shown, 0)
    return risks


def riskanalyses_for_case(case: Case, user: Viewer | None = None) -> QuerySet[RiskAnalysis]:
    """Analyses started from this case (lineage). With a user: only those the user may see."""
    qs = analyses_visible_to(user) if user is not None else RiskAnalysis.objects.all()
    return qs.filter(source_cases=case).order_by("-analysed_on")
