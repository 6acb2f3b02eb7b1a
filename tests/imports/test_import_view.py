"""The upload page: dry-run preview, then import; only quality staff."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, Job

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"


def _files():
    return {
        "file": SimpleUploadedFile("arenden.csv", (EXAMPLES / "arenden.csv").read_bytes()),
        "units": SimpleUploadedFile("enheter.csv", (EXAMPLES / "enheter.csv").read_bytes()),
    }


def test_quality_staff_preview_then_import(org, login):
    client = login(org.users["quality"])
    response = client.post("/import/", _files())
    body = response.content.decode()
    assert response.status_code == 200
    assert "4 nya ärenden" in body
    assert Case.objects.count() == 0
    job = Job.objects.get(kind="import")
    response = client.post(f"/import/{job.pk}/genomfor/", follow=True)
    assert "Importen är klar: 4 ärenden skapades" in response.content.decode()
    assert Case.objects.count() == 4
    # A second click does not import twice.
    response = client.post(f"/import/{job.pk}/genomfor/", follow=True)
    assert "redan genomförd" in response.content.decode()
    assert Case.objects.count() == 4


def test_bad_file_lists_errors_and_keeps_nothing(org, login):
    bad = b"typ;extern_referens;enhet;inkom\navvikelse;A;SAKNAS;2024-01-01\n"
    response = login(org.users["quality"]).post(
        "/import/", {"file": SimpleUploadedFile("fel.csv", bad)}
    )
    assert response.status_code == 422
    assert "Rad 2, kolumn enhet: enheten ”SAKNAS” finns inte" in response.content.decode()
    assert not Job.objects.exists()


def test_import_page_permissions(org, login, client):
    assert client.get("/import/").status_code == 302
    assert login(org.users["chef_a1"]).get("/import/").status_code == 403
    assert login(org.users["quality"]).get("/import/").status_code == 200
    job = Job.objects.create(kind="import", payload={}, created_by=org.users["quality"])
    # Another quality strategist cannot run someone else's prepared import.
    from tests.factories import UserFactory, member

    other = UserFactory(username="quality2")
    member(other, org.units["ASF"], "kvalitetsstrateg")
    assert login(other).post(f"/import/{job.pk}/genomfor/").status_code == 404
