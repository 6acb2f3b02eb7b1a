"""Organisation writes: units and memberships, with history user and reason."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Membership, Unit, UnitKind
from cases.types import User


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
) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, public_name=public_name)
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
