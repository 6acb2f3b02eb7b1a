"""Writes for self-inspections: plans, runs per period, transitions, loggkontroll samples."""

import calendar
import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import AccessLog, Case, CaseKind, Code, Measure, Unit
from cases.selectors import units_in_scope
from cases.services import ServiceError, audited_save
from cases.services.cases import case_spawn
from cases.services.parts import measure_create
from cases.services.transitions import transition
from cases.types import User

from .models import (
    ALLOWED_TRANSITIONS,
    PERIODS_PER_YEAR,
    LogReview,
    LogSample,
    RunResult,
    SelfControlPlan,
    SelfControlRun,
)
from .selectors import WRITE_ROLES

PLAN_FIELDS = {
    "area",
    "what_checked",
    "method",
    "frequency",
    "sample_rule",
    "sample_size",
    "responsible_unit",
    "responsible_person",
    "active",
}
RUN_FIELDS = {
    "due_date",
    "sample_size",
    "results",
    "findings",
    "result",
    "documented",
    "include_in_report",
    "report_summary",
}
DEFAULT_LOG_SAMPLE_SIZE = 20


def periods_for(frequency: str, year: int) -> list[tuple[date, date]]:
    """The year split into equal periods of whole months: (first day, last day)."""
    n = PERIODS_PER_YEAR[frequency]
    months = 12 // n
    periods = []
    for i in range(n):
        first_month = 1 + i * months
        last_month = first_month + months - 1
        last_day = calendar.monthrange(year, last_month)[1]
        periods.append((date(year, first_month, 1), date(year, last_month, last_day)))
    return periods


def _audit_context(obj: models.Model, actor: User, reason: str) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _check_unit(actor: User, unit: Unit) -> None:
    if not units_in_scope(actor, WRITE_ROLES).filter(pk=unit.pk).exists():
        raise ServiceError(_("Du kan bara planera egenkontroller för enheter du ansvarar för."))


# --- plans ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User,
    area: str,
    what_checked: str,
    method: Code,
    responsible_unit: Unit,
    frequency: str = "yearly",
    sample_rule: str = "",
    sample_size: int | None = None,
    responsible_person: User | None = None,
    schedule_year: int | None = None,
) -> SelfControlPlan:
    """A plan; with schedule_year its runs for that year are planned at once."""
    _check_unit(actor, responsible_unit)
    plan = SelfControlPlan(
        area=area,
        what_checked=what_checked,
        method=method,
        frequency=frequency,
        sample_rule=sample_rule,
        sample_size=sample_size,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        created_by=actor,
    )
    audited_save(plan, actor=actor, reason=_("Egenkontrollplan skapad"))
    if schedule_year:
        plan_schedule_year(plan=plan, year=schedule_year, actor=actor)
    return plan


@transaction.atomic
def plan_update(
    *, plan: SelfControlPlan, data: dict, actor: User, reason: str = ""
) -> SelfControlPlan:
    locked = SelfControlPlan.objects.select_for_update().get(pk=plan.pk)
    unknown = set(data) - PLAN_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    if "responsible_unit" in data:
        _check_unit(actor, data["responsible_unit"])
    for name, value in data.items():
        setattr(locked, name, value)
    return audited_save(locked, actor=actor, reason=reason or _("Planen ändrades"))


@transaction.atomic
def plan_schedule_year(*, plan: SelfControlPlan, year: int, actor: User) -> list[SelfControlRun]:
    """Plan the year's runs from the frequency. Idempotent: existing periods are kept."""
    locked = SelfControlPlan.objects.select_for_update().get(pk=plan.pk)
    if not locked.active:
        raise ServiceError(_("Planen är inte aktiv."))
    existing = set(
        locked.runs.filter(period_start__year=year).values_list("period_start", flat=True)
    )
    created = []
    for start, end in periods_for(locked.frequency, year):
        if start in existing:
            continue
        run = SelfControlRun(
            plan=locked,
            period_start=start,
            period_end=end,
            due_date=end,
            sample_size=locked.sample_size,
        )
        created.append(audited_save(run, actor=actor, reason=_("Egenkontroll planerad")))
    return created


# --- runs -------------------------------------------------------------------------------------


def _lock(run: SelfControlRun) -> SelfControlRun:
    return (
        SelfControlRun.objects.select_for_update()
        .select_related("plan", "plan__method")
        .get(pk=run.pk)
    )


def _transition(
    run: SelfControlRun,
    to_status: str,
    from_status: str,
    actor: User | None,
    reason: str,
    **kwargs: Any,
) -> SelfControlRun:
    """from_status keeps start (planerad → pågår) and reopen (klar → pågår) apart although
    both end in pågår."""
    return transition(
        run,
        to=to_status,
        sources={from_status},
        actor=actor,
        reason=reason,
        table=ALLOWED_TRANSITIONS,
        queryset=SelfControlRun.objects.select_related("plan", "plan__method"),
        **kwargs,
    )


@transaction.atomic
def run_update(*, run: SelfControlRun, data: dict, actor: User, reason: str = "") -> SelfControlRun:
    locked = _lock(run)
    if locked.is_done:
        raise ServiceError(_("En klar egenkontroll kan inte ändras. Öppna den igen först."))
    unknown = set(data) - RUN_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(locked, name, value)
    return audited_save(locked, actor=actor, reason=reason or _("Egenkontrollen uppdaterades"))


def _keep_first_start(locked: SelfControlRun) -> None:
    locked.started_at = locked.started_at or timezone.now()


def run_start(*, run: SelfControlRun, actor: User | None, reason: str = "") -> SelfControlRun:
    return _transition(
        run,
        SelfControlRun.Status.ONGOING,
        SelfControlRun.Status.PLANNED,
        actor,
        reason or _("Egenkontrollen påbörjades"),
        derive=_keep_first_start,
    )


def _ready_to_complete(locked: SelfControlRun) -> None:
    if locked.result not in RunResult.values:
        raise ServiceError(_("Ange resultatet: utan anmärkning eller brister."))
    if locked.result == RunResult.DEFICIENCIES and not locked.findings.strip():
        raise ServiceError(_("Beskriv de brister som hittades."))
    if locked.plan.is_log_review and locked.log_samples.filter(review=LogReview.PENDING).exists():
        raise ServiceError(_("Alla loggposter i urvalet måste granskas först."))


def run_complete(*, run: SelfControlRun, actor: User | None, reason: str = "") -> SelfControlRun:
    return _transition(
        run,
        SelfControlRun.Status.DONE,
        SelfControlRun.Status.ONGOING,
        actor,
        reason or _("Egenkontrollen klar"),
        check=_ready_to_complete,
        stamp={SelfControlRun.Status.DONE: "completed_at"},
    )


def run_reopen(*, run: SelfControlRun, actor: User | None, reason: str = "") -> SelfControlRun:
    return _transition(
        run,
        SelfControlRun.Status.ONGOING,
        SelfControlRun.Status.DONE,
        actor,
        reason or _("Egenkontrollen öppnades igen"),
        completed_at=None,
    )


@transaction.atomic
def run_measure_add(
    *, run: SelfControlRun, actor: User, description: str, **fields: Any
) -> Measure:
    measure = measure_create(
        case=None,
        actor=actor,
        description=description,
        reason=_("Åtgärd från egenkontroll"),
        **fields,
    )
    _audit_context(run, actor, _("Åtgärd kopplad till egenkontrollen"))
    run.measures.add(measure)
    return measure


@transaction.atomic
def run_deviation_create(
    *, run: SelfControlRun, title: str, description: str, actor: User, unit: Unit | None = None
) -> Case:
    """A finding becomes a kvalitetsavvikelse, linked to the run."""
    unit = unit or run.plan.responsible_unit
    if not unit.path.startswith(run.plan.responsible_unit.path):
        raise ServiceError(_("Avvikelsen ska registreras inom den ansvariga enheten."))
    reason = (_("Avvikelse från egenkontroll: %s") % run.plan.area)[:200]
    case = case_spawn(
        kind=CaseKind.DEVIATION,
        reporter=actor,
        unit=unit,
        title=title,
        description=description,
        actor=actor,
        reason=reason,
    )
    _audit_context(run, actor, reason)
    run.linked_cases.add(case)
    return case


# --- loggkontroll -----------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def log_candidates(*, unit: Unit, period_start: date, period_end: date) -> QuerySet[AccessLog]:
    """Access-log rows of the unit's subtree in the period (local dates), in id order."""
    return AccessLog.objects.filter(
        unit__path__startswith=unit.path,
        at__gte=_local_midnight(period_start),
        at__lt=_local_midnight(period_end + timedelta(days=1)),
    ).order_by("id")


def log_sample_ids(
    *, unit: Unit, period_start: date, period_end: date, seed: int, size: int
) -> list[int]:
    """Reproducible: the same rows, seed and size always give the same ids in the same order."""
    ids = list(
        log_candidates(unit=unit, period_start=period_start, period_end=period_end).values_list(
            "id", flat=True
        )
    )
    return random.Random(seed).sample(ids, min(size, len(ids)))


@transaction.atomic
def run_draw_log_sample(
    *, run: SelfControlRun, actor: User, size: int | None = None, seed: int | None = None
) -> list[LogSample]:
    locked = _lock(run)
    if not locked.plan.is_log_review:
        raise ServiceError(_("Urval ur åtkomstloggen görs bara för loggkontroller."))
    if locked.status != SelfControlRun.Status.ONGOING:
        raise ServiceError(_("Påbörja egenkontrollen innan urvalet dras."))
    if locked.log_samples.exists():
        raise ServiceError(_("Urvalet är redan draget."))
    size = size or locked.sample_size or locked.plan.sample_size or DEFAULT_LOG_SAMPLE_SIZE
    if seed is None:
        seed = locked.sample_seed if locked.sample_seed is not None else secrets.randbits(62)
    ids = log_sample_ids(
        unit=locked.plan.responsible_unit,
        period_start=locked.period_start,
        period_end=locked.period_end,
        seed=seed,
        size=size,
    )
    locked.sample_seed = seed
    locked.sample_size = len(ids)
    audited_save(locked, actor=actor, reason=_("Urval ur åtkomstloggen draget (frö %s)") % seed)
    reason = _("Loggpost i urvalet")
    return [
        audited_save(
            LogSample(run=locked, entry_id=entry_id, position=pos), actor=actor, reason=reason
        )
        for pos, entry_id in enumerate(ids, start=1)
    ]


@transaction.atomic
def log_sample_review(
    *, sample: LogSample, review: str, actor: User, comment: str = ""
) -> LogSample:
    locked = LogSample.objects.select_for_update().select_related("run").get(pk=sample.pk)
    if locked.run.status != SelfControlRun.Status.ONGOING:
        raise ServiceError(_("Granskningen kan bara ändras medan egenkontrollen pågår."))
    if review not in (LogReview.OK, LogReview.FOLLOW_UP):
        raise ServiceError(_("Välj OK eller behöver följas upp."))
    if review == LogReview.FOLLOW_UP and not comment.strip():
        raise ServiceError(_("Skriv en kommentar om vad som behöver följas upp."))
    locked.review = review
    locked.comment = comment.strip()
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    return audited_save(locked, actor=actor, reason=_("Loggpost granskad"))
