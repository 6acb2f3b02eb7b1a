"""Hostile values in the list pages' filter parameters (?year=², ?year=99999, a NUL byte...).

Every list filter is a FilterSet applied in its selector: a value that does not validate
filters nothing, the list is shown unfiltered, the form says why in Swedish and keeps what was
typed. Never a 500 (a NUL byte reaching PostgreSQL through psycopg is a DataError; a year of
99999 cannot be turned into a date)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.models import AccessLog
from cases.supervision.models import Supervision
from lexsarah.services import au_meeting_create, lexsarah_report_create
from reports.services import development_area_create
from tests.factories import make_case
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan
from tests.supervision.factories import make_supervision

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")

NUL = "a\x00b"
WHOLE_NUMBER = "Fyll i ett heltal."
AT_MOST_2100 = "Kontrollera att detta värde är mindre än eller lika med 2100."
NO_NUL = "Null-tecken är inte tillåtna."
BAD_CHOICE = "Välj ett giltigt alternativ."
BAD_DATE = "Fyll i ett giltigt datum."


def _get(client, url, params):
    response = client.get(url, params)
    assert response.status_code < 500, (params, response.status_code)
    return response, response.content.decode("utf-8", "replace")


def test_risk_analysis_list(org, login):
    make_analysis(org.users["chef_a1"], [org.units["A1"]], title="Digital post")
    client = login(org.users["chef_a1"])
    url = reverse("riskanalysis:list")
    for params, message in [
        ({"year": "²"}, WHOLE_NUMBER),
        ({"year": "2025.5"}, WHOLE_NUMBER),
        ({"year": "99999"}, AT_MOST_2100),
        ({"arende": NUL}, NO_NUL),
        ({"status": NUL}, BAD_CHOICE),
        ({"status": "makulerad"}, BAD_CHOICE),
    ]:
        response, body = _get(client, url, params)
        assert response.status_code == 200 and "Digital post" in body, params
        assert message in body, params
    _, body = _get(client, url, {"year": "99999", "status": "utkast"})
    assert 'value="99999"' in body and "Digital post" in body  # typed value kept
    # Valid values still filter.
    assert "Digital post" in _get(client, url, {"year": "2025"})[1]
    assert "Digital post" not in _get(client, url, {"year": "2024"})[1]


def test_risk_analysis_create_prefill_parameters(org, login):
    """?mall= and ?kopiera= prefill the form; odd values prefill nothing."""
    client = login(org.users["chef_a1"])
    for params in (
        {"mall": "²"},
        {"kopiera": "²"},
        {"kopiera": "99999999999999999999"},
        {"mall": NUL},
    ):
        response, body = _get(client, reverse("riskanalysis:create"), params)
        assert response.status_code == 200 and "Ny riskanalys" in body, params


def test_self_inspection_plan_list(org, login):
    make_plan(org.users["chef_a1"], org.units["A1"], area="Aktgranskning")
    client = login(org.users["chef_a1"])
    for value in (NUL, "²", "0", "nej"):
        response, body = _get(client, reverse("selfcontrol:list"), {"alla": value})
        assert response.status_code == 200 and "Aktgranskning" in body, value


def test_self_inspection_year_plan(org, login):
    make_plan(org.users["chef_a1"], org.units["A1"], area="Aktgranskning", year=2026)
    client = login(org.users["chef_a1"])
    url = reverse("selfcontrol:year")
    for year in ("99999", "²", NUL):
        response, body = _get(client, url, {"unit": "A1", "year": year})
        assert response.status_code == 200 and "Ange ett giltigt år." in body, year
        assert "Aktgranskning" in body  # this year's plan, instead of an error page
    # A unit that is not the user's (or no unit at all) is invisible: 404, never a 500.
    for unit in (NUL, "B1", "x" * 500):
        assert _get(client, url, {"unit": unit, "year": "2026"})[0].status_code == 404, unit


def test_supervision_list(org, login):
    make_supervision(
        org.users["quality"],
        [org.units["A1"]],
        title="Tillsyn av HVB Solbacken",
        decisions=[(date(2025, 2, 1), [])],
    )
    client = login(org.users["quality"])
    url = reverse("supervision:list")
    for params, message in [
        ({"ar": "²"}, WHOLE_NUMBER),
        ({"ar": "99999"}, AT_MOST_2100),
        ({"myndighet": NUL}, BAD_CHOICE),
        ({"typ": NUL}, BAD_CHOICE),
        ({"status": "²"}, BAD_CHOICE),
    ]:
        response, body = _get(client, url, params)
        assert response.status_code == 200 and "Solbacken" in body, params
        assert message in body, params
    assert "Solbacken" not in _get(client, url, {"ar": "2024"})[1]
    assert Supervision.objects.count() == 1


def test_development_area_list(org, login):
    development_area_create(
        actor=org.users["quality"],
        unit=org.units["ASF"],
        year_decided=2025,
        title="Fler egenkontroller",
    )
    client = login(org.users["quality"])
    url = reverse("reports:development_area_list")
    for params, message in [
        ({"ar": "²"}, WHOLE_NUMBER),
        ({"ar": "99999"}, AT_MOST_2100),
        ({"status": NUL}, BAD_CHOICE),
    ]:
        response, body = _get(client, url, params)
        assert response.status_code == 200 and "Fler egenkontroller" in body, params
        assert message in body, params
    assert "Fler egenkontroller" not in _get(client, url, {"ar": "2024"})[1]


def test_statistics(org, login):
    client = login(org.users["quality"])
    unit = str(org.units["ASF"].pk)
    for params, message in [
        ({"unit": NUL, "year": "2025"}, NO_NUL),
        ({"unit": "99999999999999999999", "year": "2025"}, BAD_CHOICE),
        ({"unit": unit, "year": "99999"}, AT_MOST_2100),
        ({"unit": unit, "year": "²"}, WHOLE_NUMBER),
        ({"unit": unit, "year": "2025", "period_start_month": NUL}, BAD_CHOICE),
    ]:
        response, body = _get(client, reverse("reports:statistics"), params)
        assert response.status_code == 400 and message in body, params
    good = {"unit": unit, "year": "2025", "period_start_month": "1"}
    for extra in ({"block": "²"}, {"block": "0", "table": NUL}, {"block": "99999"}):
        response, _ = _get(client, reverse("reports:statistics_xlsx"), {**good, **extra})
        assert response.status_code == 404, extra


def test_access_log(org, login):
    case = make_case(org.units["A1"], "deviation")
    AccessLog.objects.create(
        user=org.users["chef_a1"],
        action="read",
        case=case,
        case_reference=case.reference,
        unit=org.units["A1"],
    )
    client = login(org.users["chef_a1"])
    url = reverse("cases:accesslog")
    for params, message in [
        ({"case_reference": NUL}, NO_NUL),
        ({"user__username": NUL}, NO_NUL),
        ({"action": NUL}, BAD_CHOICE),
        ({"from_date": "99999-01-01"}, BAD_DATE),
        ({"to_date": "2025-02-30"}, BAD_DATE),
        ({"from_date": NUL}, BAD_DATE),
    ]:
        response, body = _get(client, url, params)
        assert response.status_code == 200 and case.reference in body, params
        assert message in body, params


def test_inbox(org, login):
    case = make_case(org.units["A1"], "deviation", title="Fallolycka i matsalen")
    client = login(org.users["chef_a1"])
    url = reverse("inbox:list")
    for params, message in [
        ({"q": NUL}, NO_NUL),
        ({"unit": NUL}, NO_NUL),
        ({"unit": "99999999999999999999"}, BAD_CHOICE),
        ({"event_category": "²"}, BAD_CHOICE),
        ({"status": NUL}, BAD_CHOICE),
        ({"assignee": "²"}, BAD_CHOICE),
        ({"kind": NUL}, BAD_CHOICE),
        ({"sort": NUL}, BAD_CHOICE),
    ]:
        response, body = _get(client, url, params)
        assert response.status_code == 200 and case.title in body, params
        assert message in body, params
    for params in ({"antal": "²"}, {"efter": NUL}, {"fore": "²" * 40}, {"overdue": NUL}):
        response, body = _get(client, url, params)
        assert response.status_code == 200, params
    assert _get(client, reverse("inbox:export"), {"unit": NUL, "q": NUL})[0].status_code == 200


def test_lex_sarah_lists_without_filters_ignore_stray_parameters(org, login):
    """The AU list and "Mina rapporter" have no filters: odd parameters change nothing."""
    au_meeting_create(held_on=date(2026, 11, 20), actor=org.users["au"], title="Novembermötet")
    lexsarah_report_create(
        unit=org.units["A1"],
        title="Ovarsam hantering",
        description="Beskrivning",
        actor=org.users["staff_a1"],
        reporter=org.users["staff_a1"],
        occurred_at=datetime(2026, 11, 1, 10, tzinfo=STHLM),
    )
    hostile = {"year": "99999", "arende": NUL, "status": "²"}
    response, body = _get(login(org.users["au"]), reverse("lexsarah:au_list"), hostile)
    assert response.status_code == 200 and "Novembermötet" in body
    response, body = _get(login(org.users["staff_a1"]), reverse("lexsarah:mine"), hostile)
    assert response.status_code == 200 and "Sektion A1" in body
