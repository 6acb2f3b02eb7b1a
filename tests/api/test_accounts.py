"""Integration accounts: only a hash of the key is kept, only an administrator manages them,
every step is a history row, and the management command walks the same service."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import IntegrationAccount, Membership, Role
from cases.services.errors import ServiceError
from cases.services.integrations import (
    integration_account_create,
    integration_account_for_key,
    integration_account_revoke,
    integration_account_rotate,
)

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_kept_and_the_prefix_finds_it(org):
    account, key = integration_account_create(name="BI", actor=org.users["admin"], reason="Test")
    prefix = key.split("_")[1]
    assert account.key_prefix == prefix and len(key) > 50
    assert account.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = IntegrationAccount.objects.values().get(pk=account.pk)
    assert key not in str(stored) and key.split("_", 2)[2] not in str(stored)
    assert integration_account_for_key(key) == account
    assert integration_account_for_key(key + "x") is None
    assert integration_account_for_key(f"avk_{prefix}_") is None
    assert integration_account_for_key("") is None
    assert not account.user.has_usable_password()


def test_only_an_administrator_manages_accounts(org):
    with pytest.raises(ServiceError):
        integration_account_create(name="BI", actor=org.users["quality"], reason="")
    account, _key = integration_account_create(name="BI", actor=org.users["admin"], reason="")
    for service in (integration_account_rotate, integration_account_revoke):
        with pytest.raises(ServiceError):
            service(account=account, actor=org.users["chef_a1"], reason="")
    assert IntegrationAccount.objects.get(pk=account.pk).revoked_at is None


def test_each_step_is_a_history_row_with_user_and_reason(org):
    admin = org.users["admin"]
    account, key = integration_account_create(name="BI", actor=admin, reason="Beslut 2026/88")
    new_key = integration_account_rotate(account=account, actor=admin, reason="Årlig rotation")
    assert new_key != key and integration_account_for_key(key) is None
    integration_account_revoke(account=account, actor=admin, reason="Avtal upphört")
    assert integration_account_for_key(new_key) is None
    reasons = [h.history_change_reason for h in account.history.order_by("history_id")]
    assert reasons == ["Beslut 2026/88", "Årlig rotation", "Avtal upphört"]
    assert {h.history_user for h in account.history.all()} == {admin}
    with pytest.raises(ServiceError):
        integration_account_rotate(account=account, actor=admin, reason="")


def test_management_command(org):
    out = StringIO()
    call_command("integration_account", "create", "Treserva", "--by", "admin", stdout=out)
    key = out.getvalue().rsplit(" ", 1)[1].strip()
    account = integration_account_for_key(key)
    assert account.name == "Treserva"
    call_command(
        "integration_account",
        "grant",
        "Treserva",
        "--unit",
        "A1",
        "--role",
        Role.MEDARBETARE,
        "--by",
        "admin",
        stdout=out,
    )
    assert Membership.objects.filter(user=account.user, unit__code="A1").exists()
    call_command("integration_account", "rotate", "Treserva", "--by", "admin", stdout=out)
    assert integration_account_for_key(key) is None
    call_command("integration_account", "revoke", "Treserva", "--by", "admin", stdout=out)
    with pytest.raises(CommandError):
        call_command("integration_account", "rotate", "Treserva", "--by", "admin")
    with pytest.raises(CommandError):
        call_command("integration_account", "create", "Annat", "--by", "quality")
