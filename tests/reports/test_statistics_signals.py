"""The statistics page's signals (issue 17 point 4): listed from /rapporter/statistik/signaler/,
which the statistics page loads; allowed, forbidden (403), invisible unit (404), bad input."""

import pytest

from tests.reports.spc_data import plant_all

pytestmark = pytest.mark.django_db
URL = "/rapporter/statistik/signaler/"
SENTENCE = (
    "Antalet kvalitetsavvikelser inom Avdelning A har ökat: 9 månader i följd över "
    "medianen sedan april 2025."
)


def params(org, unit="ASF", year=2025):
    return {"unit": org.units[unit].pk, "year": year, "period_start_month": 1}


def test_quality_sees_the_signals_and_patterns(org, login):
    plant_all(org)
    client = login(org.users["quality"])
    response = client.get(URL, params(org))
    page = response.content.decode()
    assert response.status_code == 200
    assert SENTENCE in page
    assert "Samma problem i flera kanaler per verksamhetsområde" in page
    assert "u-diagram" in page  # no denominator: says the c-chart is used instead
    fragment = client.get(URL, params(org), HTTP_HX_REQUEST="true").content.decode()
    assert SENTENCE in fragment and "<html" not in fragment
    stats = client.get("/rapporter/statistik/", params(org)).content.decode()
    assert 'hx-get="/rapporter/statistik/signaler/?unit=' in stats


def test_chef_sees_own_unit_and_not_others(org, login):
    plant_all(org)
    client = login(org.users["chef_a"])
    page = client.get(URL, params(org, "A")).content.decode()
    # Grouped below Avdelning A: its sections, so the shift shows under Sektion A1.
    assert "Antalet kvalitetsavvikelser inom Sektion A1 har ökat" in page
    assert client.get(URL, params(org, "B")).status_code == 404


def test_staff_forbidden(org, login):
    assert login(org.users["staff_a1"]).get(URL).status_code == 403


def test_bad_year_gives_swedish_error(org, login):
    response = login(org.users["quality"]).get(
        URL, {"unit": org.units["ASF"].pk, "year": "tjugo", "period_start_month": 1}
    )
    assert response.status_code == 400
    assert "År: Fyll i ett heltal." in response.content.decode()
