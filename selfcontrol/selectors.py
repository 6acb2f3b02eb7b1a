"""User-dependent reads for self-inspections. One visibility rule per model, one SQL query each.

Plans and runs are visible to sektionschef, kvalitetsstrateg and arbetsutskott whose membership
subtree covers the plan's responsible unit; writes need sektionschef or kvalitetsstrateg.
"""

from datetime import date
from typing import NamedTuple

from django.db.models import Count, Exists, Q, QuerySet
from django.utils import timezone

from cases.models import Role, Unit
from cases.selectors.accesslog import access_log_rule
from cases.selectors.links import LinkedCases, cases_split_visible
from cases.selectors.visibility import membership_scope
from cases.types import Params, User, Viewer

from .filters import PlanFilter
from .models import LogSample, SelfControlPlan, SelfControlRun

VIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG, Role.ARBETSUTSKOTT)
WRITE_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


class OverdueItem(NamedTuple):
    title: str
    url: str
    due_date: date
    unit: Unit | None


def _in_scope(user: User, write: bool, unit_path_ref: str) -> Exists:
    return membership_scope(user, WRITE_ROLES if write else VIEW_ROLES, unit_path_ref)


def plans_visible_to(user: Viewer, *, write: bool = False) -> QuerySet[SelfControlPlan]:
    if not user.is_authenticated:
        return SelfControlPlan.objects.none()
    return SelfControlPlan.objects.filter(_in_scope(user, write, "responsible_unit__path"))


def runs_visible_to(user: Viewer, *, write: bool = False) -> QuerySet[SelfControlRun]:
    if not user.is_authenticated:
        return SelfControlRun.objects.none()
    return SelfControlRun.objects.filter(_in_scope(user, write, "plan__responsible_unit__path"))


def log_samples_visible_to(user: Viewer, *, write: bool = False) -> QuerySet[LogSample]:
    if not user.is_authenticated:
        return LogSample.objects.none()
    return LogSample.objects.filter(_in_scope(user, write, "run__plan__responsible_unit__path"))


def linked_cases_visible(user: Viewer, run: SelfControlRun) -> LinkedCases:
    """The deviations registered from the run, as far as the user may open them (an
    arbetsutskott member reads the run but not the deviations)."""
    return cases_split_visible(user, run.linked_cases.all())


def log_samples_visible(user: Viewer, run: SelfControlRun) -> tuple[list[LogSample], int]:
    """A loggkontroll's sample rows the user may read, and how many others there are. A row
    names a colleague and a case reference, so it is shown to whoever may read that row in
    the access log (chef or quality staff over the unit), not to every reader of the run."""
    samples = run.log_samples.all()
    if not user.is_authenticated:
        return [], samples.count()
    readable = list(
        samples.filter(access_log_rule(user, "entry__"))
        .select_related("entry", "entry__user", "entry__unit", "reviewed_by")
        .order_by("position")
    )
    return readable, samples.count() - len(readable)


def plan_list(user: Viewer, params: Params) -> PlanFilter:
    """The list page: visible plans with their run counts, active ones unless `alla`."""
    qs = (
        plans_visible_to(user)
        .select_related("method", "responsible_unit", "responsible_person")
        .annotate(
            run_count=Count("runs"),
            done_count=Count("runs", filter=Q(runs__status=SelfControlRun.Status.DONE)),
        )
        .order_by("responsible_unit__path", "area", "id")
    )
    return PlanFilter(params, queryset=qs)


def _overdue_q(today: date) -> Q:
    return Q(due_date__lt=today) & ~Q(status=SelfControlRun.Status.DONE)


def overdue_runs(user: Viewer) -> QuerySet[SelfControlRun]:
    # Local date: a run due 31 Dec is overdue from 00:00 on 1 Jan in Stockholm, not UTC.
    return (
        runs_visible_to(user)
        .filter(_overdue_q(timezone.localdate()))
        .select_related("plan", "plan__responsible_unit", "plan__method")
        .order_by("due_date", "id")
    )


def overdue_items_for(user: Viewer) -> list[OverdueItem]:
    return [
        OverdueItem(str(r), r.get_absolute_url(), r.due_date, r.plan.responsible_unit)
        for r in overdue_runs(user)
    ]


def year_overview(user: Viewer, *, unit: Unit, year: int, today: date | None = None) -> dict:
    """Plans of the unit's subtree with their runs in the year, and planned/done/overdue counts.

    A run belongs to the year its period starts in; done = status klar; overdue = not done and
    due date before today's local date. Two queries whatever the number of plans and runs.
    """
    today = today or timezone.localdate()
    plans = list(
        plans_visible_to(user)
        .filter(responsible_unit__path__startswith=unit.path)
        .select_related("method", "responsible_unit", "responsible_person")
        .order_by("responsible_unit__path", "area", "id")
    )
    runs = (
        runs_visible_to(user)
        .filter(plan__in=[p.pk for p in plans], period_start__year=year)
        .order_by("period_start", "id")
    )
    by_plan: dict[int, list] = {p.pk: [] for p in plans}
    counts = {"planned": 0, "done": 0, "overdue": 0, "open": 0}
    for run in runs:
        overdue = not run.is_done and run.due_date < today
        # Annotated for the template; not a model field.
        run.is_overdue = overdue  # type: ignore[attr-defined]
        by_plan[run.plan_id].append(run)
        counts["planned"] += 1
        if run.is_done:
            counts["done"] += 1
        elif overdue:
            counts["overdue"] += 1
        else:
            counts["open"] += 1
    rows = [{"plan": p, "runs": by_plan[p.pk]} for p in plans]
    return {"rows": rows, "counts": counts, "today": today}
