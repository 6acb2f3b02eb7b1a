"""The cover logo upload (issue 17): allowed for the edition's kvalitetsstrateg, 403 for other
roles, 404 outside scope; a refused file gives a Swedish message and stores nothing; the
upload is audited and an SVG is stored rebuilt."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Role
from reports.editions.models import ReportEdition
from tests.factories import UserFactory, make_unit, member

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def upload(client, edition, name, data, content_type="application/octet-stream"):
    return client.post(
        f"/rapporter/{edition.pk}/logotyp/",
        {"logo": SimpleUploadedFile(name, data, content_type=content_type)},
        follow=True,
    )


def test_quality_uploads_svg_stored_sanitised_and_audited(edition, org, login):
    client = login(org.users["quality"])
    response = upload(client, edition, "kommun.svg", SVG, "image/svg+xml")
    assert response.status_code == 200
    assert "Logotypen sparades." in response.content.decode()
    edition = ReportEdition.objects.get(pk=edition.pk)
    stored = edition.logo.read()
    assert b"<rect" in stored and b"script" not in stored and b"onload" not in stored
    row = edition.history.first()
    assert row.history_user == org.users["quality"]
    assert row.history_change_reason == "Logotypen byttes"
    assert "Ta bort logotypen" in response.content.decode()


def test_png_accepted_and_clear_removes_it(edition, org, login):
    client = login(org.users["quality"])
    upload(client, edition, "logo.png", PNG, "image/png")
    assert ReportEdition.objects.get(pk=edition.pk).logo.name.endswith(".png")
    client.post(f"/rapporter/{edition.pk}/logotyp/", {"clear": "1"})
    assert not ReportEdition.objects.get(pk=edition.pk).logo


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.html", b"<html><script>alert(1)</script></html>"),
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),  # not what it says
        ("logo.svg", b"<svg><unclosed"),
        ("logo.svg", b"<html xmlns='http://www.w3.org/1999/xhtml'/>"),
    ],
)
def test_refused_file_gives_swedish_message_and_stores_nothing(edition, org, login, name, data):
    client = login(org.users["quality"])
    response = upload(client, edition, name, data)
    assert response.status_code == 200
    assert "Logotypen måste vara en PNG- eller SVG-fil på högst 1 MB." in response.content.decode()
    assert not ReportEdition.objects.get(pk=edition.pk).logo


def test_missing_file_is_a_message_not_a_500(edition, org, login):
    client = login(org.users["quality"])
    response = client.post(f"/rapporter/{edition.pk}/logotyp/", {}, follow=True)
    assert "Välj en PNG- eller SVG-fil." in response.content.decode()


@pytest.mark.parametrize("username", ["chef_a1", "staff_a1", "au", "admin"])
def test_other_roles_are_forbidden(edition, org, login, username):
    client = login(org.users[username])
    assert upload(client, edition, "logo.png", PNG).status_code == 403
    assert not ReportEdition.objects.get(pk=edition.pk).logo


def test_quality_outside_scope_gets_404(edition, org, login):
    other = make_unit("Y", "Ytterligare förvaltning", kind_code="forvaltning")
    outsider = UserFactory(username="quality_y")
    member(outsider, other, Role.KVALITETSSTRATEG)
    assert upload(login(outsider), edition, "logo.png", PNG).status_code == 404
