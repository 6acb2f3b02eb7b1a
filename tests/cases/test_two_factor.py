"""Two-factor login required per role by an administrator."""

import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import TwoFactorPolicy

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def _password_login(client, username: str):
    response = client.post("/logga-in/", {"username": username, "password": "Testlosenord-123"})
    assert response.status_code == 302


def test_required_role_must_enrol_and_verify(org, client):
    TwoFactorPolicy.objects.create(role="sektionschef", required=True)
    _password_login(client, "chef_a1")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/tvafaktor/")
    page = client.get("/tvafaktor/").content.decode()
    assert "Nyckel:" in page
    device = TOTPDevice.objects.get(user=org.users["chef_a1"])
    assert client.post("/tvafaktor/", {"token": "000000"}).status_code == 400
    # django-otp throttles after a wrong code: the next attempt must wait a second.
    time.sleep(1.1)
    response = client.post("/tvafaktor/", {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_enrolled_user_is_asked_for_code_at_next_login(org, client):
    TwoFactorPolicy.objects.create(role="sektionschef", required=True)
    device = TOTPDevice.objects.create(user=org.users["chef_a1"], name="app", confirmed=True)
    _password_login(client, "chef_a1")
    assert client.get("/arenden/logg/")["Location"] == "/tvafaktor/?next=/arenden/logg/"
    page = client.get("/tvafaktor/").content.decode()
    assert "Nyckel:" not in page  # no secret shown once enrolled
    assert client.post("/tvafaktor/", {"token": _code(device)}).status_code == 302
    assert client.get("/arenden/logg/").status_code == 200


def test_roles_without_policy_are_not_asked(org, client):
    TwoFactorPolicy.objects.create(role="sektionschef", required=True)
    _password_login(client, "quality")
    assert client.get("/").status_code == 200


def test_open_redirect_after_verification_is_refused(org, client):
    TwoFactorPolicy.objects.create(role="kvalitetsstrateg", required=True)
    device = TOTPDevice.objects.create(user=org.users["quality"], name="app", confirmed=True)
    _password_login(client, "quality")
    response = client.post("/tvafaktor/", {"token": _code(device), "next": "https://evil.example"})
    assert response["Location"] == "/"
