"""Organisation writes: units and memberships, with history user and reason."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Membership, MembershipSource, Unit, UnitKind
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
    source: str = MembershipSource.MANUAL,
) -> Membership:
    membership = Membership(user=user, unit=unit, role=role, source=source)
    if valid_from is not None:
        membership.valid_from = valid_from
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason or _("Roll tilldelad")  # type: ignore[attr-defined]
    membership.save()
    return membership


@transaction.atomic
def membership_end(
    *, membership: Membership, actor: User | None = None, reason: str = ""
) -> Membership:
    """End a membership from today on: it stays (with its history) but is no longer active.
    `valid_to` is the last day it held, so yesterday."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    last_day = timezone.localdate() - timedelta(days=1)
    if membership.valid_to is not None and membership.valid_to <= last_day:
        return membership
    membership.valid_to = last_day
    membership._history_user = actor  # type: ignore[attr-defined]
    membership._change_reason = reason or _("Roll avslutad")  # type: ignore[attr-defined]
    membership.save(update_fields=["valid_to"])
    return membership
