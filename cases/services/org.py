"""Organisation writes: units and memberships, with history user and reason."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Membership, Unit, UnitKind
from cases.types import User

from .errors import ServiceError
from .history import audited_save


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: UnitKind,
    actor: User | None = None,
    parent: Unit | None = None,
    public_name: str = "",
    reason: str = "",
    email: str = "",
    valid_from: date | None = None,
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, public_name=public_name, email=email)
    if valid_from is not None:
        unit.valid_from = valid_from
    unit._history_user = actor  # type: ignore[attr-defined]
    unit._change_reason = reason or _("Enhet skapad")  # type: ignore[attr-defined]
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=unit)


@transaction.atomic
def membership_create(
    *,
    user: User,
    unit: Unit,
    role: str,
    actor: User | None = None,
    reason: str = "",
    valid_from: date | None = None,
) -> Membership:
    membership = Membership(user=user, unit=unit, role=role)
    if valid_from is not None:
        membership.valid_from = valid_from
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason or _("Roll tilldelad")  # type: ignore[attr-defined]
    membership.save()
    return membership


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    actor: User | None,
    reason: str = "",
    name: str | None = None,
    public_name: str | None = None,
    email: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Unit:
    """Name, contact and validity; the place in the tree is not moved here (a move changes
    every path below it and is an administrator's step in the admin)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    for attr, value in (
        ("name", name),
        ("public_name", public_name),
        ("email", email),
        ("valid_from", valid_from),
    ):
        if value is not None:
            setattr(unit, attr, value)
    if valid_to is not None:
        unit.valid_to = valid_to
    if unit.valid_to is not None and unit.valid_to < unit.valid_from:
        raise ServiceError(_("Slutdatumet kan inte ligga före startdatumet."))
    return audited_save(unit, actor=actor, reason=reason or _("Enhet ändrad"))
