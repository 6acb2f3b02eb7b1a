"""Writes for reports. Every write is atomic and leaves a history row with user and reason."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Unit
from cases.selectors import units_in_scope
from cases.services import ServiceError, audited_save
from cases.services.transitions import transition
from cases.types import User

from .models import ALLOWED_TRANSITIONS, DevelopmentArea
from .selectors import WRITE_ROLES

EDITABLE_FIELDS = {"unit", "year_decided", "title", "background", "actions", "continues"}


def _check_unit(actor: User, unit: Unit) -> None:
    if not units_in_scope(actor, WRITE_ROLES).filter(pk=unit.pk).exists():
        raise ServiceError(
            _("Du kan bara registrera utvecklingsområden för din egen organisation.")
        )


def _check_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ServiceError(_("Ange ett rimligt år."))


@transaction.atomic
def development_area_create(
    *,
    actor: User,
    unit: Unit,
    year_decided: int,
    title: str,
    background: str = "",
    actions: str = "",
    continues: DevelopmentArea | None = None,
    reason: str = "",
) -> DevelopmentArea:
    _check_unit(actor, unit)
    _check_year(year_decided)
    if not title.strip():
        raise ServiceError(_("Ange en rubrik."))
    area = DevelopmentArea(
        unit=unit,
        year_decided=year_decided,
        title=title.strip(),
        background=background,
        actions=actions,
        continues=continues,
        created_by=actor,
    )
    return audited_save(area, actor=actor, reason=reason or _("Utvecklingsområde beslutat"))


def _lock(area: DevelopmentArea) -> DevelopmentArea:
    return DevelopmentArea.objects.select_for_update().get(pk=area.pk)


@transaction.atomic
def development_area_update(
    *, area: DevelopmentArea, data: dict, actor: User, reason: str = ""
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


# Every outcome records when the follow-up was registered (a correction records it again).
FOLLOW_UP_STAMPS = dict.fromkeys(
    ALLOWED_TRANSITIONS[DevelopmentArea.Status.DECIDED], "followed_up_at"
)


@transaction.atomic
def development_area_follow_up(
    *,
    area: DevelopmentArea,
    actor: User,
    status: str,
    text: str,
    year: int | None = None,
    reason: str = "",
) -> DevelopmentArea:
    """Record (or correct) the follow-up in the next year's report: outcome, text and year."""
    locked = _lock(area)
    year = year or locked.year_decided + 1
    default_reason = (
        _("Uppföljningen ändrades")
        if locked.is_followed_up
        else _("Utvecklingsområdet följdes upp")
    )

    def valid(_locked: DevelopmentArea) -> None:
        if not text.strip():
            raise ServiceError(_("Beskriv vad uppföljningen visar."))
        if year <= locked.year_decided:
            raise ServiceError(_("Uppföljningen görs tidigast året efter beslutet."))

    return transition(
        locked,
        locked=True,
        to=status,
        actor=actor,
        reason=reason or default_reason,
        table=ALLOWED_TRANSITIONS,
        stamp=FOLLOW_UP_STAMPS,
        check=valid,
        follow_up_text=text.strip(),
        follow_up_year=year,
    )
