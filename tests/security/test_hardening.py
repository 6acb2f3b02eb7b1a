"""Hardening (issue #10): production cookie and session settings, the idle timeout and its
warning, the password policy, the receipt-code lockout, uploads judged by content, and the
Swedish 500 page without stack trace or SQL. CSP on every page type is checked by the
permission sweep (every HTML answer of every route × role)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.utils import translation

from cases.complaints.services import complaint_submit_public
from cases.middleware import SESSION_KEY as IDLE_KEY
from cases.models import Attachment

ROOT = Path(__file__).resolve().parents[2]
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROBE = """
import json
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "IDLE_TIMEOUT_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "CONTENT_SECURITY_POLICY", "X_FRAME_OPTIONS")}))
"""


def _production_settings() -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "AVVIKA_TESTING",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "IDLE_TIMEOUT_SECONDS",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
        }
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="p9$Kd2!vXq7#Lm4@Rz8&Wt1^Ny6*Hb3%Gc5Fj0Ue-aS7dF9gH2jK4lZ6x",
        ALLOWED_HOSTS="avvika.example.se",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_sessions_and_csp():
    s = _production_settings()
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert s["CSRF_COOKIE_SECURE"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    assert 0 < s["IDLE_TIMEOUT_SECONDS"] <= 30 * 60
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert s["X_FRAME_OPTIONS"] == "DENY"
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    flat = json.dumps(directives)
    assert "unsafe-inline" not in flat and "unsafe-eval" not in flat and "*" not in flat
    assert directives["script-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_session_cookie_is_httponly_and_samesite_on_login(org, client):
    response = client.post("/logga-in/", {"username": "chef_a1", "password": "Testlosenord-123"})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser


@pytest.mark.django_db
def test_idle_warning_is_on_every_staff_page_and_not_on_public_ones(org, login, settings):
    client = login(org.users["chef_a1"])
    page = client.get("/").content.decode()
    assert f'data-idle-timeout="{settings.IDLE_TIMEOUT_SECONDS}"' in page
    assert 'id="idle-warning"' in page and "Du loggas snart ut" in page
    assert 'src="/static/js/avvika.js"' in page
    assert "idle-warning" in (ROOT / "static/js/avvika.js").read_text()
    public = Client().get("/e-tjanst/").content.decode()
    assert 'data-idle-timeout=""' in public or "data-idle-timeout" not in public


@pytest.mark.django_db
def test_idle_session_is_logged_out_and_polling_does_not_keep_it_alive(org, login, settings):
    client = login(org.users["chef_a1"])
    assert client.get("/").status_code == 200
    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 5
    session.save()
    # A background poll does not count as activity …
    assert client.get("/inkorg/", HTTP_X_AVVIKA_BACKGROUND="1").status_code == 200
    assert client.session[IDLE_KEY] < int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 10
    session = client.session
    session[IDLE_KEY] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get("/inkorg/")
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")
    page = client.get(response["Location"]).content.decode()
    assert "Du har loggats ut efter en tids inaktivitet" in page
    assert client.get("/").status_code == 302  # really logged out


@pytest.mark.parametrize(
    "password, swedish",
    [
        ("kort1", "för kort"),
        ("123456789012345", "enbart numeriskt"),
        ("password12345", "för vanligt"),
        ("chef_a1@example.se", "för lik"),
    ],
)
@pytest.mark.django_db
def test_weak_passwords_are_rejected_in_swedish(org, password, swedish):
    with translation.override("sv"), pytest.raises(ValidationError) as exc:
        validate_password(password, user=org.users["chef_a1"])
    assert any(swedish in m for m in exc.value.messages), exc.value.messages


@pytest.mark.django_db
def test_a_long_passphrase_is_accepted(org):
    validate_password("Korrekt häst batteri häftklammer", user=org.users["chef_a1"])


@pytest.mark.django_db
def test_receipt_lockout_is_per_address_not_per_session(org, settings):
    submission = complaint_submit_public(
        unit=org.units["A1"], complaint_type="klagomal", description="Jag blev illa bemött."
    )
    wrong = "AAAA-AAAA-AAAA-AAAA"
    for _ in range(5):
        # A fresh client each time: dropping the cookie does not reset the count.
        Client(REMOTE_ADDR="10.1.1.1").post("/e-tjanst/kvitto/", {"code": wrong})
    attacker = Client(REMOTE_ADDR="10.1.1.1")
    locked = attacker.post("/e-tjanst/kvitto/", {"code": submission.receipt_code})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "för många gånger" in body and submission.complaint.case.reference not in body
    assert attacker.get("/e-tjanst/kvitto/arende/").status_code == 302
    # Spoofed proxy headers do not escape the lock (only REMOTE_ADDR counts).
    spoofed = Client(REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert spoofed.post("/e-tjanst/kvitto/", {"code": submission.receipt_code}).status_code == 429


@pytest.mark.parametrize(
    "name, content",
    [
        ("intyg.pdf", EXE),
        ("intyg.pdf", HTML),
        ("bild.png", HTML),
        ("sida.html", HTML),
        ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("program.exe", EXE),
        ("rapport.docx", HTML),
    ],
)
@pytest.mark.django_db
def test_staff_upload_is_judged_by_content(org, login, name, content):
    from tests.factories import make_case

    case = make_case(org.units["A1"])
    client = login(org.users["chef_a1"])
    response = client.post(
        f"/arenden/{case.reference}/bilaga/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
        follow=True,
    )
    assert "Filtypen är inte tillåten" in response.content.decode()
    assert not Attachment.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    "name, content, mime",
    [
        ("intyg.pdf", PDF, "application/pdf"),
        ("anteckning.txt", "Åtgärd klar".encode(), "text/plain"),
        ("tabell.csv", b"a;b\n1;2\n", "text/csv"),
    ],
)
@pytest.mark.django_db
def test_honest_files_are_still_accepted(org, login, name, content, mime):
    from tests.factories import make_case

    case = make_case(org.units["A1"])
    client = login(org.users["chef_a1"])
    client.post(f"/arenden/{case.reference}/bilaga/", {"file": SimpleUploadedFile(name, content)})
    assert Attachment.objects.get(case=case).content_type == mime


@pytest.mark.django_db
def test_public_form_refuses_html_named_pdf(org, client):
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "description": "Se bifogat intyg.",
        "anonymous": "ja",
        "website": "",
        "attachment": SimpleUploadedFile("intyg.pdf", HTML, "application/pdf"),
    }
    response = client.post("/e-tjanst/", data)
    assert response.status_code == 400
    assert "Filtypen är inte tillåten" in response.content.decode()


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("Traceback: secret in /work/main/cases/views/start.py"),
        DatabaseError(
            'relation "cases_case" does not exist LINE 1: SELECT "cases_case"."description"'
        ),
    ],
)
@pytest.mark.django_db
def test_a_forced_error_shows_the_swedish_500_page_only(org, login, settings, monkeypatch, error):
    from cases.views import start

    assert settings.DEBUG is False

    def boom(self, **kwargs):
        raise error

    monkeypatch.setattr(start.StartView, "get_context_data", boom)
    client = login(org.users["chef_a1"])
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Något gick fel" in body and "Ingen information om felet visas" in body
    for leak in ("Traceback", "SELECT", "cases_case", "/work/main", "RuntimeError", 'File "'):
        assert leak not in body
    assert "unsafe-inline" not in response["Content-Security-Policy"]
