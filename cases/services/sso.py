"""Single sign-on writes: the group mapping table and the just-in-time user with the
memberships the IdP's groups give (issue 15). Both protocols (OIDC, SAML) end up here, so the
rule "groups decide SSO memberships, hand-made memberships stay" lives in one place."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User as UserModel
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import IdpGroupMapping, Membership, MembershipSource, Role, Unit
from cases.types import User

from .errors import ServiceError
from .history import audited_delete, audited_save, reason_clean
from .org import membership_create, membership_end


@dataclass(frozen=True)
class SsoIdentity:
    """What an IdP told about the person, already read from claims or attributes."""

    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    groups: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SsoLoginResult:
    user: User | None
    has_access: bool
    added: int = 0
    ended: int = 0


def _mapping_checked(group: str, role: str, reason: str) -> tuple[str, str]:
    group, reason = (group or "").strip(), reason_clean(reason)
    if not group:
        raise ServiceError(_("Ange gruppens namn eller id."))
    if role not in Role.values:
        raise ServiceError(_("Välj en roll."))
    if not reason:
        raise ServiceError(_("Ange en anledning till ändringen."))
    return group, reason


def _saved(mapping: IdpGroupMapping, actor: User, reason: str) -> IdpGroupMapping:
    try:
        with transaction.atomic():
            return audited_save(mapping, actor=actor, reason=reason)
    except IntegrityError:
        raise ServiceError(_("Den gruppen har redan den rollen i den enheten.")) from None


@transaction.atomic
def group_mapping_create(
    *, group: str, role: str, unit: Unit, actor: User, reason: str
) -> IdpGroupMapping:
    group, reason = _mapping_checked(group, role, reason)
    return _saved(IdpGroupMapping(group=group, role=role, unit=unit), actor, reason)


@transaction.atomic
def group_mapping_update(
    *, mapping: IdpGroupMapping, group: str, role: str, unit: Unit, actor: User, reason: str
) -> IdpGroupMapping:
    group, reason = _mapping_checked(group, role, reason)
    mapping = IdpGroupMapping.objects.select_for_update().get(pk=mapping.pk)
    mapping.group, mapping.role, mapping.unit = group, role, unit
    return _saved(mapping, actor, reason)


@transaction.atomic
def group_mapping_delete(*, mapping: IdpGroupMapping, actor: User, reason: str) -> None:
    reason = reason_clean(reason)
    if not reason:
        raise ServiceError(_("Ange en anledning till ändringen."))
    audited_delete(mapping, actor=actor, reason=reason)


def _targets(groups: Iterable[str]) -> dict[tuple[str, int], str]:
    """(role, unit id) → the group that gives it (for the history reason)."""
    targets: dict[tuple[str, int], str] = {}
    for mapping in IdpGroupMapping.objects.filter(group__in=list(groups)).order_by("group"):
        targets.setdefault((mapping.role, mapping.unit_id), mapping.group)
    return targets


def _provisioned(identity: SsoIdentity) -> User:
    # get_or_create: two first logins of the same person at once must not collide.
    user, created = UserModel.objects.get_or_create(
        username=identity.username,
        # Signs in only through the IdP; a password is set by hand for break-glass only.
        defaults={"password": make_password(None)},
    )
    changed = created
    for attr in ("first_name", "last_name", "email"):
        value = getattr(identity, attr)
        if value and getattr(user, attr) != value:
            setattr(user, attr, value)
            changed = True
    if changed:
        user.save()
    return user


@transaction.atomic
def sso_login_sync(identity: SsoIdentity) -> SsoLoginResult:
    """Provision the user just in time and sync their SSO memberships to the mapped groups.

    A person unknown here whose groups map to nothing is not created. A known person whose
    groups map to nothing loses their SSO memberships (the IdP says they left); memberships
    made by hand are never touched. Access needs at least one active membership afterwards."""
    targets = _targets(identity.groups)
    known = UserModel.objects.filter(username=identity.username).exists()
    if not targets and not known:
        return SsoLoginResult(user=None, has_access=False)
    user = _provisioned(identity)
    active = Membership.objects.active().filter(user=user)
    ended = 0
    for membership in active.filter(source=MembershipSource.SSO).select_related("unit"):
        if (membership.role, membership.unit_id) not in targets:
            membership_end(
                membership=membership,
                reason=_("Avslutad vid inloggning: ingen av personens grupper ger rollen."),
            )
            ended += 1
    held = set(active.values_list("role", "unit_id"))
    added = 0
    units = Unit.objects.in_bulk([unit_id for _role, unit_id in targets])
    for (role, unit_id), group in targets.items():
        if (role, unit_id) in held:
            continue
        membership_create(
            user=user,
            unit=units[unit_id],
            role=role,
            source=MembershipSource.SSO,
            reason=_("Tilldelad vid inloggning genom gruppen %(group)s.") % {"group": group},
        )
        added += 1
    has_access = user.is_active and active.exists()
    return SsoLoginResult(user=user, has_access=has_access, added=added, ended=ended)
