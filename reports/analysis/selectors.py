"""User-dependent reads for the unit analyses. `analyses_visible_to` is the one rule:
a sektionschef or kvalitetsstrateg whose active membership covers the analysis's unit
(its subtree) sees it; only sektionschefer in scope may write (DESIGN §2, §5)."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import QuerySet

from cases.models import Role
from cases.selectors import cases_visible_to
from cases.selectors.visibility import membership_scope
from cases.types import Viewer

from .figures import Period, cases_count, closed_cases, figures_compute, figures_sum
from .models import AnalysisRound, UnitAnalysis

VIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
WRITE_ROLES = (Role.SEKTIONSCHEF,)
QUALITY_ROLES = (Role.KVALITETSSTRATEG,)


def analyses_visible_to(
    user: Viewer, *, roles: Iterable[str] = VIEW_ROLES
) -> QuerySet[UnitAnalysis]:
    """One SQL query: EXISTS an active membership with one of `roles` on an ancestor-or-self."""
    if not user.is_authenticated:
        return UnitAnalysis.objects.none()
    in_scope = membership_scope(user, roles, "unit__path")
    return UnitAnalysis.objects.filter(in_scope)


def analyses_writable_by(user: Viewer) -> QuerySet[UnitAnalysis]:
    return analyses_visible_to(user, roles=WRITE_ROLES)


def chef_analysis_list(user: Viewer) -> QuerySet[UnitAnalysis]:
    """The analyses of the units a sektionschef leads (their subtree), newest round first."""
    return (
        analyses_writable_by(user)
        .select_related("round", "unit", "chef")
        .order_by("-round__year", "unit__path")
    )


def round_analyses(user: Viewer, analysis_round: AnalysisRound) -> QuerySet[UnitAnalysis]:
    return (
        analyses_visible_to(user, roles=QUALITY_ROLES)
        .filter(round=analysis_round)
        .select_related("unit", "chef", "submitted_by")
        .order_by("unit__path")
    )


def analysis_period(analysis: UnitAnalysis) -> Period:
    return Period(analysis.round.period_start, analysis.round.period_end)


def excluded_paths(analysis: UnitAnalysis) -> list[str]:
    """Sub-units with an analysis of their own in the round: their cases are counted there."""
    return list(
        UnitAnalysis.objects.filter(
            round_id=analysis.round_id, unit__path__startswith=analysis.unit.path
        )
        .exclude(pk=analysis.pk)
        .values_list("unit__path", flat=True)
    )


def analysis_live_figures(analysis: UnitAnalysis) -> dict:
    return figures_compute(
        unit_path=analysis.unit.path,
        exclude_paths=excluded_paths(analysis),
        period=analysis_period(analysis),
    )


def analysis_figures(analysis: UnitAnalysis) -> dict:
    """What the analysis shows: frozen at submission, live while it is a draft."""
    if analysis.is_submitted and analysis.figures:
        return analysis.figures
    return analysis_live_figures(analysis)


def analysis_cases(user: Viewer, analysis: UnitAnalysis, *, limit: int = 500) -> tuple[list, int]:
    """The closed cases the viewer may open, and how many more exist that they may not."""
    period, excluded = analysis_period(analysis), excluded_paths(analysis)
    visible = closed_cases(
        cases=cases_visible_to(user),
        unit_path=analysis.unit.path,
        exclude_paths=excluded,
        period=period,
    )
    shown = list(visible[:limit])
    total = cases_count(unit_path=analysis.unit.path, exclude_paths=excluded, period=period)
    # Past the limit, visible rows are left out too: only the invisible ones are "hidden".
    seen = len(shown) if len(shown) < limit else visible.count()
    return shown, max(total - seen, 0)


def round_rollup(analyses: list[UnitAnalysis]) -> dict:
    """The förvaltning-wide roll-up: exactly the sum of the unit analyses' figures (submitted
    ones as submitted, drafts as they stand now), with the submitted texts and the needs for
    overarching measures."""
    figures = [analysis_figures(a) for a in analyses]
    submitted = [a for a in analyses if a.is_submitted]
    return {
        "tables": figures_sum(figures),
        "submitted": submitted,
        "missing": [a for a in analyses if not a.is_submitted],
        "needs": [a for a in submitted if a.needs_overarching_measures],
        "all_submitted": bool(analyses) and len(submitted) == len(analyses),
    }


# Chefs are reminded for this many days after the due date; after that quality staff follow
# up from the overview, so an abandoned round does not mail someone every day for years.
REMINDER_DAYS = 90


def late_analyses(day: date) -> QuerySet[UnitAnalysis]:
    """Drafts whose round's due date has passed, within the reminder window."""
    return UnitAnalysis.objects.filter(
        status=UnitAnalysis.Status.DRAFT,
        round__due_date__lt=day,
        round__due_date__gte=day - timedelta(days=REMINDER_DAYS),
    ).select_related("round", "unit", "chef")
