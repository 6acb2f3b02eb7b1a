"""Issue 18, point 6 in the kvalitetsberättelse editor: figures computed on load, the compile
heading follows the job, and no checksum shown to users (it stays on the compiled record)."""

import pytest

from cases.models import Job
from reports.editions.models import CompiledReport

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:6399/0"


def test_editor_asks_for_every_figure_on_load(edition, org, login):
    html = login(org.users["quality"]).get(edition.get_absolute_url()).content.decode()
    figures = html.count('class="report-figure"')
    assert figures > 0
    assert html.count('class="report-figure" hx-get=') == figures
    assert 'hx-trigger="revealed"' not in html
    assert html.count('hx-trigger="load"') >= figures


def test_pending_job_says_kompilerar(
    edition, org, login, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    client = login(org.users["quality"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    page = client.get(response["Location"]).content.decode()
    assert f"<h1>Kompilerar {edition.title}</h1>" in page


@pytest.fixture
def celery_eager():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def test_finished_job_heading_and_no_checksum(
    edition, org, login, celery_eager, django_capture_on_commit_callbacks
):
    client = login(org.users["quality"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/rapporter/{edition.pk}/kompilera/")
    assert Job.objects.get(kind="reports.compile").status == Job.Status.DONE
    compiled = CompiledReport.objects.get(edition=edition)
    assert len(compiled.sha256) == 64  # kept on the record
    page = client.get(response["Location"]).content.decode()
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    detail = client.get(edition.get_absolute_url()).content.decode()
    for html in (page, fragment):
        assert f"<h1>{edition.title} är kompilerad</h1>" in html
        assert "Kompilerar" not in html
    for html in (page, fragment, detail):
        assert "SHA-256" not in html and compiled.sha256[:16] not in html
    pdf = client.get(f"/rapporter/{edition.pk}/pdf/{compiled.pk}/")
    assert f'filename="kvalitetsberattelse-{edition.year}-' in pdf["Content-Disposition"]
