"""Writes for reports. Every write is atomic and leaves a history row with user and reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Unit
from cases.selectors import units_in_scope
from cases.services import ServiceError, TransitionNotAllowed, audited_save
from cases.types import User

from .models import ALLOWED_TRANSITIONS, DevelopmentArea
from .selectors import WRITE_ROLES

EDITABLE_FIELDS = {"unit", "year_decided", "title", "background", "actions", "continues"}


def _check_unit(actor: User, unit: Unit) -> None:
    if not units_in_scope(actor, WRITE_ROLES).filter(pk=unit.pk).exists():
        raise ServiceError(_("Du kan bara registrera utvecklingsområden för din egen organisation."))


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ServiceError(_("Ange ett rimligt år."))


@transaction.atomic
def development_area_create(
    *, actor: User, unit: Unit, year_decided: int, title: str, background: str = "",
    actions: str = "", continues: DevelopmentArea | None = None, reason: str = "",
) -> DevelopmentArea:
    _check_unit(actor, unit)
    _check_year(year_decided)
    if not title.strip():
        raise ServiceError(_("Ange en rubrik."))
    area = DevelopmentArea(
        unit=unit, year_decided=year_decided, title=title.strip(), background=background,
        actions=actions, continues=continues, created_by=actor,
    )
    return audited_save(area, actor=actor, reason=reason or _("Utvecklingsområde beslutat"))


def _lock(area: DevelopmentArea) -> DevelopmentArea:
    return DevelopmentArea.objects.select_for_update().get(pk=area.pk)


@transaction.atomic
def development_area_update(*, area: DevelopmentArea, data: dict, actor: User, reason: str = ""
                            ) -> DevelopmentArea:
    locked = _lock(area)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    if "unit" in data:
        _check_unit(actor, data["unit"])
    if "year_decided" in data:
        _check_year(data["year_decided"])
    if data.get("continues") is not None and data["continues"].pk == locked.pk:
        raise ServiceError(_("Ett utvecklingsområde kan inte vara en fortsättning på sig självt."))
    for name, value in data.items():
        setattr(locked, name, value)
    return audited_save(locked, actor=actor, reason=reason or _("Uppgifter ändrades"))


@transaction.atomic
def development_area_follow_up(
    *, area: DevelopmentArea, actor: User, status: str, text: str, year: int | None = None,
    reason: str = "",
) -> DevelopmentArea:
    """Record (or correct) the follow-up in the next year's report: outcome, text and year."""
    locked = _lock(area)
    if status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(
            str(DevelopmentArea.Status(locked.status).label),
            str(DevelopmentArea.Status(status).label) if status in DevelopmentArea.Status.values
            else status,
        )
    if not text.strip():
        raise ServiceError(_("Beskriv vad uppföljningen visar."))
    year = year or locked.year_decided + 1
    if year <= locked.year_decided:
        raise ServiceError(_("Uppföljningen görs tidigast året efter beslutet."))
    correction = locked.is_followed_up
    locked.status = status
    locked.follow_up_text = text.strip()
    locked.follow_up_year = year
    locked.followed_up_at = timezone.now()
    default_reason = _("Uppföljningen ändrades") if correction else _("Utvecklingsområdet följdes upp")
    return audited_save(locked, actor=actor, reason=reason or default_reason)
