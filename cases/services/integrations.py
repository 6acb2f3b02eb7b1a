"""Integration accounts (issue 21): created, given roles, rotated and revoked by an
administrator, each step a history row with user and reason. The key is shown once, at
creation or rotation; only its SHA-256 is kept."""

import hashlib
import hmac
import secrets
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import IntegrationAccount, Membership, Role, Unit
from cases.types import User

from .errors import ServiceError
from .history import audited_save, reason_clean
from .org import membership_create

KEY_LABEL = "avk"
USERNAME_PREFIX = "integration:"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key() -> tuple[str, str]:
    """(prefix, key): `avk_<8 hex>_<43 url-safe characters>` — 32 random bytes behind a
    visible id, so a key in a log or a ticket can be named without being usable."""
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_LABEL}_{prefix}_{secrets.token_urlsafe(32)}"


def _require_admin(actor: User | None) -> None:
    # The management command may act as the system (None); a person must be an administrator.
    if actor is None:
        return
    if not Membership.objects.active().filter(user=actor, role=Role.ADMINISTRATOR).exists():
        raise ServiceError(_("Bara en administratör får hantera integrationskonton."))


@transaction.atomic
def integration_account_create(
    *, name: str, actor: User | None, reason: str, description: str = ""
) -> tuple[IntegrationAccount, str]:
    """The account and its first key (returned once, never stored)."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ServiceError(_("Ange systemets namn (högst 120 tecken)."))
    if IntegrationAccount.objects.filter(name=name).exists():
        raise ServiceError(_("Det finns redan ett integrationskonto med namnet %s.") % name)
    why = reason_clean(reason) or _("Integrationskonto skapat")
    user_model = get_user_model()
    user = user_model(username=f"{USERNAME_PREFIX}{name}"[:150], first_name=name[:150])
    # A system never logs in to the web pages: no password, no session.
    user.set_unusable_password()
    audited_save(user, actor=actor, reason=why)
    prefix, key = _new_key()
    account = IntegrationAccount(
        user=user,
        name=name,
        description=description[:300],
        key_prefix=prefix,
        key_hash=key_hash(key),
    )
    audited_save(account, actor=actor, reason=why)
    return account, key


def integration_account_grant(
    *,
    account: IntegrationAccount,
    unit: Unit,
    role: str,
    actor: User | None,
    reason: str,
    valid_from: date | None = None,
) -> Membership:
    """A role in a unit, exactly as a person's membership (the same service)."""
    _require_admin(actor)
    if role not in Role.values:
        raise ServiceError(_("Okänd roll: %s.") % role)
    return membership_create(
        user=account.user,
        unit=unit,
        role=role,
        actor=actor,
        reason=reason_clean(reason) or _("Roll tilldelad integrationskonto"),
        valid_from=valid_from,
    )


@transaction.atomic
def integration_account_rotate(
    *, account: IntegrationAccount, actor: User | None, reason: str
) -> str:
    """A new key; the old one stops working at once."""
    _require_admin(actor)
    account = IntegrationAccount.objects.select_for_update().get(pk=account.pk)
    if account.revoked_at is not None:
        raise ServiceError(_("Kontot är spärrat. Skapa ett nytt konto i stället."))
    prefix, key = _new_key()
    account.key_prefix, account.key_hash = prefix, key_hash(key)
    account.rotated_at = timezone.now()
    audited_save(account, actor=actor, reason=reason_clean(reason) or _("Nyckel bytt"))
    return key


@transaction.atomic
def integration_account_revoke(
    *, account: IntegrationAccount, actor: User | None, reason: str
) -> IntegrationAccount:
    _require_admin(actor)
    account = IntegrationAccount.objects.select_for_update().get(pk=account.pk)
    if account.revoked_at is None:
        account.revoked_at = timezone.now()
        audited_save(account, actor=actor, reason=reason_clean(reason) or _("Konto spärrat"))
    return account


def integration_account_for_key(key: str) -> IntegrationAccount | None:
    """The active account whose key this is, or None (wrong, malformed or revoked)."""
    parts = (key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_LABEL or len(parts[1]) != 8:
        return None
    account = (
        IntegrationAccount.objects.select_related("user")
        .filter(key_prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if account is None or not hmac.compare_digest(account.key_hash, key_hash(key)):
        return None
    return account
