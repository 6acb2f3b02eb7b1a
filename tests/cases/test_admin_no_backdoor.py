"""The Django admin is no backdoor (issue 15, found point 3): roles only with a reason and a
history row naming the person, no passwords or staff flags, no TOTP secret on any page."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import AccountEvent, AccountEventKind, Code, Membership, Role
from cases.services import ServiceError
from cases.services.accounts import totp_enrol_confirm, totp_enrol_start, user_set_active
from cases.services.org import membership_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def root(org, client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True, email="root@example.se")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


def _membership_post(user, unit, role, reason=""):
    return {
        "user": user.pk,
        "unit": unit.pk,
        "role": role,
        "valid_from": "2026-11-16",
        "valid_to": "",
        "reason": reason,
    }


def test_superuser_cannot_grant_itself_a_role_without_a_reason(org, client, root):
    response = client.post(
        "/admin/cases/membership/add/",
        _membership_post(root, org.units["ASF"], Role.KVALITETSSTRATEG),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "reason" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=root).exists()


def test_a_role_granted_in_the_admin_names_actor_and_reason_and_tells_the_others(
    org, client, root, django_capture_on_commit_callbacks
):
    other = UserFactory(username="root2", is_superuser=True, email="root2@example.se")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/cases/membership/add/",
            _membership_post(root, org.units["ASF"], Role.KVALITETSSTRATEG, "Semestervikarie"),
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user=root)
    row = membership.history.get()
    assert (row.history_user, row.history_change_reason) == (root, "Semestervikarie")
    # Every other active superuser or administratör, never the person themself.
    assert [sorted(m.to) for m in mail.outbox] == [[org.users["admin"].email, other.email]]
    assert "Semestervikarie" in mail.outbox[0].body


def test_changing_a_role_in_the_admin_needs_a_reason(org, client, root):
    membership = Membership.objects.get(user=org.users["chef_a1"])
    data = _membership_post(org.users["chef_a1"], org.units["A"], Role.SEKTIONSCHEF)
    assert client.post(f"/admin/cases/membership/{membership.pk}/change/", data).status_code == 200
    membership.refresh_from_db()
    assert membership.unit == org.units["A1"]
    data["reason"] = "Ny tjänst"
    assert client.post(f"/admin/cases/membership/{membership.pk}/change/", data).status_code == 302
    latest = membership.history.latest()
    assert (latest.unit_id, latest.history_user, latest.history_change_reason) == (
        org.units["A"].pk,
        root,
        "Ny tjänst",
    )


def test_memberships_cannot_be_deleted_in_the_admin(org, client, root):
    membership = Membership.objects.get(user=org.users["chef_a1"])
    response = client.post(f"/admin/cases/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_admin_cannot_set_another_users_password(org, client, root):
    chef = org.users["chef_a1"]
    before = User.objects.get(pk=chef.pk).password
    response = client.post(
        f"/admin/auth/user/{chef.pk}/password/",
        {"password1": "Ny-hemlig-kod-123", "password2": "Ny-hemlig-kod-123"},
    )
    assert response.status_code in (302, 404)  # no such page (302: admin's "not found" redirect)
    page = client.get(f"/admin/auth/user/{chef.pk}/change/").content.decode()
    assert 'name="password' not in page and f"/auth/user/{chef.pk}/password/" not in page
    assert before.split("$")[-1] not in page  # not even the hash
    assert User.objects.get(pk=chef.pk).password == before


def test_the_admin_cannot_grant_superuser_or_staff(org, client, root):
    chef = org.users["chef_a1"]
    response = client.post(
        f"/admin/auth/user/{chef.pk}/change/",
        {
            "first_name": chef.first_name,
            "last_name": chef.last_name,
            "email": chef.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "user_permissions": [1, 2],
            "reason": "Försök",
        },
    )
    assert response.status_code == 302
    chef.refresh_from_db()
    assert not chef.is_staff and not chef.is_superuser
    assert not chef.user_permissions.exists() and not chef.groups.exists()
    assert client.get("/admin/auth/group/").status_code == 404


def test_accounts_are_created_without_password_and_with_a_reason(org, client, root):
    data = {"username": "ny.person", "first_name": "Ny", "last_name": "Person", "email": ""}
    assert client.post("/admin/auth/user/add/", data).status_code == 200
    assert not User.objects.filter(username="ny.person").exists()
    data["reason"] = "Nyanställd"
    assert client.post("/admin/auth/user/add/", data).status_code == 302
    user = User.objects.get(username="ny.person")
    assert not user.has_usable_password() and not user.is_staff
    event = AccountEvent.objects.get(user=user)
    assert (event.kind, event.actor, event.reason) == (AccountEventKind.CREATED, root, "Nyanställd")


def _account_change(user, **more):
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        **more,
    }


def test_deactivation_in_the_admin_needs_a_reason_and_is_recorded(org, client, root):
    chef = org.users["chef_a1"]
    url = f"/admin/auth/user/{chef.pk}/change/"
    data = _account_change(chef)
    del data["is_active"]
    assert client.post(url, data).status_code == 200
    chef.refresh_from_db()
    assert chef.is_active
    assert client.post(url, {**data, "reason": "Slutat"}).status_code == 302
    chef.refresh_from_db()
    assert not chef.is_active
    event = AccountEvent.objects.get(user=chef)
    assert (event.kind, event.actor, event.reason) == (
        AccountEventKind.DEACTIVATED,
        root,
        "Slutat",
    )
    assert "Slutat" in client.get(url).content.decode()  # the history shows on the account


def test_nobody_deactivates_themselves(org, root):
    with pytest.raises(ServiceError):
        user_set_active(user=root, active=False, actor=root, reason="Hoppsan")


def _enrol(user) -> TOTPDevice:
    from django_otp.oath import totp

    device = totp_enrol_start(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp_enrol_confirm(user=user, token=f"{code:06d}")
    device.refresh_from_db()
    return device


def test_no_admin_page_shows_a_totp_secret_or_recovery_code(org, client, root):
    chef = org.users["chef_a1"]
    device = _enrol(chef)
    secrets = [device.key, base64.b32encode(device.bin_key).decode()]
    secrets += list(StaticToken.objects.values_list("token", flat=True))
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    for url in ["/admin/", f"/admin/auth/user/{chef.pk}/change/", "/admin/auth/user/"]:
        page = client.get(url).content.decode()
        assert not any(secret in page for secret in secrets), url
    assert "Registrerad" in client.get(f"/admin/auth/user/{chef.pk}/change/").content.decode()


def test_two_factor_reset_in_the_admin_is_recorded(org, client, root):
    chef = org.users["chef_a1"]
    _enrol(chef)
    url = f"/admin/auth/user/{chef.pk}/change/"
    data = _account_change(chef, reset_two_factor="on")
    assert client.post(url, data).status_code == 200  # no reason: nothing happens
    assert TOTPDevice.objects.filter(user=chef).exists()
    assert client.post(url, {**data, "reason": "Tappad telefon"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=chef).exists()
    assert not StaticDevice.objects.filter(user=chef).exists()
    event = AccountEvent.objects.get(kind=AccountEventKind.TWO_FACTOR_RESET)
    assert (event.user, event.actor, event.reason) == (chef, root, "Tappad telefon")


def test_code_lists_are_edited_with_a_reason(org, client, root):
    code = Code.objects.filter(active=True).first()
    url = f"/admin/cases/code/{code.pk}/change/"
    data = {
        "codelist": code.codelist,
        "code": code.code,
        "label": "Nytt namn",
        "active": "on",
        "order": code.order,
    }
    assert client.post(url, data).status_code == 200
    assert client.post(url, {**data, "reason": "Tydligare namn"}).status_code == 302
    latest = code.history.latest()
    assert (latest.label, latest.history_user, latest.history_change_reason) == (
        "Nytt namn",
        root,
        "Tydligare namn",
    )


def test_membership_service_refuses_a_person_without_reason(org):
    with pytest.raises(ServiceError):
        membership_create(
            user=org.users["staff_a1"],
            unit=org.units["A1"],
            role=Role.SEKTIONSCHEF,
            actor=org.users["admin"],
        )
