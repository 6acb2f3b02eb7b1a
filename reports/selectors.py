"""User-dependent reads for reports. `development_areas_visible_to` is the one visibility rule
for utvecklingsområden: kvalitetsstrateg and sektionschef whose active membership covers the
area's unit (subtree). The yearly-report helpers below are not user-dependent: the report is
compiled for an organisation, and its data never includes personal data."""

from django.db.models import Q, QuerySet

from cases.models import Role, Unit
from cases.selectors.visibility import membership_scope
from cases.types import Params, Viewer

from .filters import AreaFilter
from .models import DevelopmentArea

VIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
WRITE_ROLES = VIEW_ROLES


def development_areas_visible_to(user: Viewer) -> QuerySet[DevelopmentArea]:
    """One SQL query: EXISTS an active membership with a view role on an ancestor-or-self."""
    if not user.is_authenticated:
        return DevelopmentArea.objects.none()
    in_scope = membership_scope(user, VIEW_ROLES, "unit__path")
    return DevelopmentArea.objects.filter(in_scope)


def development_area_list(user: Viewer, params: Params) -> AreaFilter:
    """The list page: visible areas filtered by `params` (ar = year decided, status)."""
    return AreaFilter(
        params, queryset=development_areas_visible_to(user).select_related("unit", "continues")
    )


def _for_unit(unit: Unit, include_subunits: bool) -> Q:
    return Q(unit__path__startswith=unit.path) if include_subunits else Q(unit=unit)


def development_areas_decided(
    unit: Unit, year: int, *, include_subunits: bool = False
) -> QuerySet[DevelopmentArea]:
    """Areas decided with year N's report ("Prioriterade utvecklingsområden N+1")."""
    return (
        DevelopmentArea.objects.filter(_for_unit(unit, include_subunits), year_decided=year)
        .select_related("unit")
        .order_by("title", "id")
    )


def development_areas_followed_up(
    unit: Unit, year: int, *, include_subunits: bool = False
) -> QuerySet[DevelopmentArea]:
    """Areas year N's report follows up: those decided in N-1, plus any follow-up explicitly
    recorded for year N. An area not yet followed up is included, so the report shows it."""
    due = Q(follow_up_year=year) | Q(follow_up_year__isnull=True, year_decided=year - 1)
    return (
        DevelopmentArea.objects.filter(_for_unit(unit, include_subunits))
        .filter(due)
        .select_related("unit")
        .order_by("title", "id")
    )
