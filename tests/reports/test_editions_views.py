"""Edition pages: allowed / forbidden (403) / invisible (404), autosave over htmx with the
conflict answer, the compile job page (also with the broker down) and the PDF download."""

from datetime import date

import pytest

from cases.models import Job, Role
from reports.editions.models import CompiledReport, ReportBlock, ReportTemplate
from reports.editions.services import edition_create
from tests.factories import UserFactory, make_unit, member

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:6399/0"  # nothing listens here


def text_block(e):
    return ReportBlock.objects.filter(section__edition=e, kind="text").order_by("id").first()


def test_quality_sees_list_and_edition(edition, org, login):
    client = login(org.users["quality"])
    assert "Kvalitetsberättelse 2025" in client.get("/rapporter/").content.decode()
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "4.1.1 Klagomål och synpunkter till förvaltningen från utomstående" in page
    assert 'hx-trigger="keyup changed delay:2s' in page
    assert "<script>" not in page and "style=" not in page


@pytest.mark.parametrize("username", ["chef_a1", "staff_a1", "au", "admin", "investigator"])
def test_other_roles_are_forbidden(edition, org, login, username):
    client = login(org.users[username])
    assert client.get("/rapporter/").status_code == 403
    assert client.get(edition.get_absolute_url()).status_code == 403


def test_quality_outside_scope_gets_404(edition, org, login):
    other = make_unit("Y", "Ytterligare förvaltning", kind_code="forvaltning")
    outsider = UserFactory(username="quality_y")
    member(outsider, other, Role.KVALITETSSTRATEG)
    client = login(outsider)
    assert client.get(edition.get_absolute_url()).status_code == 404
    block = text_block(edition)
    response = client.post(
        f"/rapporter/{edition.pk}/block/{block.pk}/", {"text": "x", "version": 1}
    )
    assert response.status_code == 404


def test_create_from_template_keeps_input_on_error(org, login):
    client = login(org.users["quality"])
    template = ReportTemplate.objects.get(key="karlshamn-tema")
    response = client.post(
        "/rapporter/ny/",
        {
            "unit": org.units["ASF"].pk,
            "year": "20x",
            "template": template.pk,
            "title": "Min rubrik",
        },
    )
    assert response.status_code == 400
    assert 'value="Min rubrik"' in response.content.decode()
    response = client.post(
        "/rapporter/ny/",
        {"unit": org.units["ASF"].pk, "year": 2025, "template": template.pk, "title": ""},
    )
    assert response.status_code == 302


def test_autosave_and_conflict(edition, org, login):
    client = login(org.users["quality"])
    block = text_block(edition)
    url = f"/rapporter/{edition.pk}/block/{block.pk}/"
    ok = client.post(url, {"text": "Min text", "version": block.version}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "Sparat" in ok.content.decode()
    assert f'value="{block.version + 1}"' in ok.content.decode()
    stale = client.post(
        url, {"text": "Annan text", "version": block.version}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Någon annan har sparat" in body and "Min text" in body
    block.refresh_from_db()
    assert block.text == "Min text"


def test_editor_warns_of_a_personnummer_while_typing_and_on_save(edition, org, login):
    """Issue 18: the kvalitetsberättelse's text boxes carry the same personnummer check as the
    case forms; autosave keeps the text (nothing is lost) and says it looks like one."""
    client = login(org.users["quality"])
    block = text_block(edition)
    page = client.get(f"/rapporter/{edition.pk}/").content.decode()
    assert f'id="text-{block.pk}"' in page and "data-pnr-check=" in page
    assert f'id="text-{block.pk}_pnr" hidden' in page
    url = f"/rapporter/{edition.pk}/block/{block.pk}/"
    saved = client.post(
        url,
        {"text": "Brukaren 19121212-1212 klagade.", "version": block.version},
        HTTP_HX_REQUEST="true",
    )
    body = saved.content.decode()
    assert saved.status_code == 200 and "Sparat" in body
    assert "ser ut att innehålla ett personnummer" in body
    page = client.get(f"/rapporter/{edition.pk}/").content.decode()
    assert f'id="text-{block.pk}_pnr" hidden' not in page
    clean = client.post(
        url, {"text": "Brukaren klagade.", "version": block.version + 1}, HTTP_HX_REQUEST="true"
    )
    assert "personnummer" not in clean.content.decode()


def test_meta_form_keeps_input_and_reports_conflict(edition, org, login):
    client = login(org.users["quality"])
    data = {
        "title": "Kvalitetsberättelse 2025",
        "report_date": "2026-02-27",
        "diarienummer": "NY-1",
        "responsible": "Direktör",
        "period_start_month": 1,
        "period_start_day": 1,
        "analysis_start_month": 6,
        "analysis_start_day": 1,
        "version": edition.version - 1 or 99,
    }
    response = client.post(f"/rapporter/{edition.pk}/uppgifter/", data)
    assert response.status_code == 400
    assert 'value="NY-1"' in response.content.decode()


def test_block_preview_renders_figures(edition, org, login):
    client = login(org.users["quality"])
    block = ReportBlock.objects.filter(section__edition=edition, block_type="case_count").first()
    response = client.get(
        f"/rapporter/{edition.pk}/block/{block.pk}/siffror/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert (
        "har tagits emot 2025" in response.content.decode()
        or "Inga klagomål" in response.content.decode()
    )


def test_compile_with_broker_down_stays_pending(
    edition, org, login, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    client = login(org.users["quality"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    assert response.status_code == 302
    job = Job.objects.get(kind="reports.compile")
    assert job.status == Job.Status.PENDING
    page = client.get(response["Location"]).content.decode()
    assert "Kön för bakgrundsjobb går inte att nå just nu" in page
    assert 'hx-trigger="every 1s"' in page


@pytest.fixture
def celery_eager():
    """Run the real task in-process. The Celery app reads its settings once, so overriding
    Django's CELERY_TASK_ALWAYS_EAGER after the first task would not reach it."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def test_compile_eager_then_download(
    edition, org, login, celery_eager, django_capture_on_commit_callbacks
):
    client = login(org.users["quality"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    job = Job.objects.get(kind="reports.compile")
    assert job.status == Job.Status.DONE
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in fragment and "Ladda ner PDF" in fragment
    compiled = CompiledReport.objects.get(edition=edition)
    pdf = client.get(f"/rapporter/{edition.pk}/pdf/{compiled.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert (
        login(org.users["chef_a1"]).get(f"/rapporter/{edition.pk}/pdf/{compiled.pk}/").status_code
        == 403
    )


def test_statistics_page_and_xlsx(org, login):
    edition_create(
        unit=org.units["ASF"],
        year=2025,
        actor=org.users["quality"],
        template=ReportTemplate.objects.get(key="malmo-2025"),
        report_date=date(2026, 1, 1),
    )
    client = login(org.users["quality"])
    page = client.get(
        "/rapporter/statistik/",
        {"unit": org.units["ASF"].pk, "year": 2025, "period_start_month": 1},
    )
    assert page.status_code == 200 and "Exportera tabellen till Excel" in page.content.decode()
    xlsx = client.get(
        "/rapporter/statistik/xlsx/",
        {
            "unit": org.units["ASF"].pk,
            "year": 2025,
            "period_start_month": 1,
            "block": 1,
            "table": 0,
        },
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert login(org.users["staff_a1"]).get("/rapporter/statistik/").status_code == 403
