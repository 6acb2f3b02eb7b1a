"""Pages of the shell render for the right people."""

import pytest

from cases.models import AccessLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_start_page_for_chef_shows_inbox_card(org, login):
    client = login(org.users["chef_a1"])
    make_case(org.units["A1"], title="Brist i bemötande")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="sv"' in body
    assert "Hoppa till innehållet" in body
    assert "1 öppet ärende" in body


def test_case_detail_renders_and_logs_read(org, login):
    case = make_case(org.units["A1"], title="Sen återkoppling", description="<script>x</script>")
    client = login(org.users["chef_a1"])
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sen återkoppling" in body
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;" in body
    assert (
        AccessLog.objects.filter(case=case, user=org.users["chef_a1"], action="read").count() == 1
    )


def test_history_tab_shows_readable_changes(org, login):
    from cases.services.cases import case_update

    chef = org.users["chef_a1"]
    case = make_case(org.units["A1"], title="Gammal rubrik", actor=chef)
    case_update(
        case=case,
        expected_version=case.version,
        data={"title": "Ny rubrik"},
        actor=chef,
        reason="Förtydligad rubrik",
    )
    response = login(chef).get(f"/arenden/{case.reference}/historik/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rubrik" in body and "Gammal rubrik" in body and "Ny rubrik" in body
    assert "Förtydligad rubrik" in body
