"""Organisation writes: units and memberships, with history user and reason."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Membership, MembershipSource, Role, Unit, UnitKind
from cases.types import User

from .accounts import reason_required
from .errors import ServiceError
from .history import audited_save, person_name


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
    valid_to: date | None = None,
    source: str = MembershipSource.MANUAL,
) -> Membership:
    """A role in a unit. A person granting it must say why (the admin, a mapping); only the
    system (seeding, imports, the SSO sync) may leave the reason to the default."""
    reason = reason_required(reason) if actor is not None else reason or _("Roll tilldelad")
    membership = Membership(user=user, unit=unit, role=role, valid_to=valid_to, source=source)
    if valid_from is not None:
        membership.valid_from = valid_from
    _check_dates(membership)
    audited_save(membership, actor=actor, reason=reason)
    _notify_if_own(membership, actor=actor, reason=reason)
    return membership


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    actor: User,
    reason: str,
    unit: Unit,
    role: str,
    valid_from: date,
    valid_to: date | None,
) -> Membership:
    """Change or end a role (ending = setting valid_to; a membership is never deleted, so the
    history of who could see what stays whole)."""
    reason = reason_required(reason)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    membership.unit, membership.role = unit, role
    membership.valid_from, membership.valid_to = valid_from, valid_to
    _check_dates(membership)
    audited_save(membership, actor=actor, reason=reason)
    _notify_if_own(membership, actor=actor, reason=reason)
    return membership


def _check_dates(membership: Membership) -> None:
    if membership.valid_to is not None and membership.valid_to < membership.valid_from:
        raise ServiceError(_("Slutdatum kan inte ligga före startdatum."))


def _notify_if_own(membership: Membership, *, actor: User | None, reason: str) -> None:
    """Someone changing their own roles is allowed (a small municipality may have one
    administrator) but never silent: the other administrators hear of it at once."""
    if actor is None or actor.pk != membership.user_id:
        return
    admins = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(memberships__role=Role.ADMINISTRATOR))
        .exclude(pk=actor.pk)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    recipients = sorted(set(admins))
    if not recipients:
        return
    subject = _("Avvika: %(name)s ändrade sin egen roll") % {"name": person_name(actor)}
    body = _("%(name)s gav sig själv rollen %(role)s i %(unit)s.\nAnledning: %(reason)s") % {
        "name": person_name(actor),
        "role": membership.get_role_display(),
        "unit": membership.unit.name,
        "reason": reason,
    }
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))


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
