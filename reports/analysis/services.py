"""Writes for the yearly unit analyses. Every write is atomic and leaves a history row with
user and reason; `UnitAnalysis.status` is assigned only by the transition service below."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Membership, Role, Unit
from cases.services import ConcurrentEditError, ServiceError, audited_save
from cases.services.transitions import transition
from cases.types import User

from .models import (
    ALLOWED_TRANSITIONS,
    AnalysisReminderSent,
    AnalysisRound,
    UnitAnalysis,
    default_due_date,
    default_period,
)
from .selectors import analysis_live_figures, late_analyses

# Fields the chef writes; status, figures and timestamps have their own services.
TEXT_FIELDS = (
    "patterns",
    "causes",
    "conclusions",
    "needs_overarching_measures",
    "overarching_measures",
)


# --- rounds -----------------------------------------------------------------------------------


def _check_period(start: date, end: date, due: date) -> None:
    if end < start:
        raise ServiceError(_("Periodens sista dag måste komma efter den första."))
    if due < end:
        raise ServiceError(_("Sista dag för inlämning måste komma efter periodens slut."))


def _chef_units(day: date) -> dict[int, int]:
    """Units with an active sektionschef membership on `day` → the chef (lowest id if several,
    so a rerun picks the same person)."""
    chefs: dict[int, int] = {}
    rows = (
        Membership.objects.active(day)
        .filter(role=Role.SEKTIONSCHEF)
        .order_by("unit_id", "user_id")
        .values_list("unit_id", "user_id")
    )
    for unit_id, user_id in rows:
        chefs.setdefault(unit_id, user_id)
    return chefs


@transaction.atomic
def round_open(
    *,
    year: int,
    actor: User | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    due_date: date | None = None,
    day: date | None = None,
) -> AnalysisRound:
    """Open the year's round: one analysis per unit a sektionschef leads directly.

    Idempotent: the round is found by year (its period is only set when it is created) and a
    unit that already has an analysis gets no second one; a rerun adds only units whose chef
    was appointed since."""
    day = day or timezone.localdate()
    default_start, default_end = default_period(year)
    analysis_round = AnalysisRound.objects.select_for_update().filter(year=year).first()
    if analysis_round is None:
        analysis_round = AnalysisRound(
            year=year,
            period_start=period_start or default_start,
            period_end=period_end or default_end,
            due_date=due_date or default_due_date(year),
        )
        _check_period(
            analysis_round.period_start, analysis_round.period_end, analysis_round.due_date
        )
    if analysis_round.opened_at is None:
        analysis_round.opened_at = timezone.now()
        analysis_round.opened_by = actor
        audited_save(analysis_round, actor=actor, reason=_("Analysomgången öppnades"))
    existing = set(analysis_round.analyses.values_list("unit_id", flat=True))
    for unit_id, chef_id in _chef_units(day).items():
        if unit_id in existing:
            continue
        analysis = UnitAnalysis(
            round=analysis_round, unit=Unit.objects.get(pk=unit_id), chef_id=chef_id
        )
        audited_save(analysis, actor=actor, reason=_("Analys skapad när omgången öppnades"))
    return analysis_round


@transaction.atomic
def round_update(
    *,
    analysis_round: AnalysisRound,
    actor: User,
    period_start: date,
    period_end: date,
    due_date: date,
) -> AnalysisRound:
    """Configure a round's period and due date, as long as nothing has been submitted."""
    locked = AnalysisRound.objects.select_for_update().get(pk=analysis_round.pk)
    _check_period(period_start, period_end, due_date)
    period_changed = (locked.period_start, locked.period_end) != (period_start, period_end)
    if period_changed and locked.analyses.filter(status=UnitAnalysis.Status.SUBMITTED).exists():
        raise ServiceError(_("Perioden kan inte ändras när någon enhet redan har lämnat in."))
    locked.period_start, locked.period_end, locked.due_date = period_start, period_end, due_date
    return audited_save(locked, actor=actor, reason=_("Omgångens period eller datum ändrades"))


# --- analyses ---------------------------------------------------------------------------------


def _lock(analysis: UnitAnalysis) -> UnitAnalysis:
    return (
        UnitAnalysis.objects.select_for_update(of=("self",))
        .select_related("round", "unit")
        .get(pk=analysis.pk)
    )


def _apply_text(locked: UnitAnalysis, expected_version: int, data: dict) -> None:
    if locked.is_submitted:
        raise ServiceError(_("Analysen är inlämnad och kan inte ändras."))
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    unknown = set(data) - set(TEXT_FIELDS)
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.version += 1


@transaction.atomic
def analysis_update(
    *, analysis: UnitAnalysis, expected_version: int, data: dict, actor: User
) -> UnitAnalysis:
    """Save the draft. A stale version raises ConcurrentEditError; nothing is overwritten."""
    locked = _lock(analysis)
    _apply_text(locked, expected_version, data)
    return audited_save(locked, actor=actor, reason=_("Utkast sparat"))


def _check_complete(analysis: UnitAnalysis) -> None:
    if not analysis.conclusions:
        raise ServiceError(_("Skriv slutsatser innan analysen lämnas in."))
    if analysis.needs_overarching_measures and not analysis.overarching_measures:
        raise ServiceError(_("Beskriv behovet av övergripande åtgärder innan analysen lämnas in."))


def analysis_submit(
    *, analysis: UnitAnalysis, expected_version: int, actor: User | None, data: dict | None = None
) -> UnitAnalysis:
    """utkast → inlämnad: saves what was typed, freezes the figures, and locks the analysis."""

    def ready(locked: UnitAnalysis) -> None:
        # The text typed on the submit form is saved with the move (and bumps the version).
        _apply_text(locked, expected_version, data or {})
        _check_complete(locked)
        locked.figures = analysis_live_figures(locked)

    return transition(
        analysis,
        to=UnitAnalysis.Status.SUBMITTED,
        actor=actor,
        reason=_("Analysen lämnades in"),
        table=ALLOWED_TRANSITIONS,
        check=ready,
        queryset=UnitAnalysis.objects.select_related("round", "unit"),
        bump_version=False,
        stamp={UnitAnalysis.Status.SUBMITTED: "submitted_at"},
        submitted_by=actor,
    )


# --- reminders --------------------------------------------------------------------------------


def reminders_send(*, day: date | None = None) -> int:
    """E-mail the chef of every late draft, at most once per analysis and day. Returns the
    number of e-mails sent."""
    day = day or timezone.localdate()
    sent = 0
    for analysis in late_analyses(day):
        sent += _remind(analysis, day)
    return sent


def _remind(analysis: UnitAnalysis, day: date) -> bool:
    chef = analysis.chef
    if chef is None or not chef.is_active or not chef.email:
        return False
    try:
        with transaction.atomic():
            # Insert first: a rerun (or a second worker) hits the unique index and sends nothing.
            AnalysisReminderSent.objects.create(analysis=analysis, day=day, recipient=chef.email)
            _mail(analysis, chef)
    except IntegrityError:
        return False
    return True


def _mail(analysis: UnitAnalysis, chef: User) -> None:
    url = settings.SITE_URL.rstrip("/") + analysis.get_absolute_url()
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Avvika: sammanställning och analys %(year)s är försenad")
            % {"year": analysis.round.year},
            message=render_to_string(
                "reports/analysis/email/reminder.txt",
                {"analysis": analysis, "chef": chef, "url": url},
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[chef.email],
        )
