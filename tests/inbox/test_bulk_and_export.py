"""Bulk receive/assign, the XLSX export and the follow-up block of the inbox."""

import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from cases.models import AccessAction, AccessLog, Case
from cases.services.bulk import MAX_BULK, cases_bulk_receive
from cases.services.errors import ServiceError
from tests.factories import make_case

BULK = "/inkorg/massatgard/"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def no_deviation_receive(monkeypatch):
    """Deviations register their own services; pin "not registered" so the test is stable."""
    import dataclasses

    from cases import registry

    monkeypatch.setitem(
        registry._TYPES,
        "deviation",
        dataclasses.replace(registry.case_type("deviation"), bulk_receive=None, bulk_assign=None),
    )


def test_bulk_receive(org, login, complaint, no_deviation_receive):
    chef = org.users["chef_a1"]
    fresh = complaint(title="Ny")
    received = complaint(title="Redan mottagen")
    cases_bulk_receive(case_ids=[received.pk], actor=chef)
    deviation = make_case(org.units["A1"], "deviation", title="Avvikelse")
    invisible = complaint(unit_key="B1", title="Annan sektion")
    response = login(chef).post(
        BULK,
        {
            "action": "receive",
            "back": "kind=complaint&antal=25",
            "cases": [fresh.pk, received.pk, deviation.pk, invisible.pk, 999999],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/inkorg/?kind=complaint&antal=25"
    fresh.refresh_from_db()
    assert fresh.status == "under_utredning"
    assert fresh.history.first().history_change_reason == "Mottagen via inkorgen"
    invisible.refresh_from_db()
    assert invisible.status == "inkommen"  # never touched
    (text,) = _messages(response)
    assert text.startswith("1 ärende togs emot.")
    assert "2 ärenden hoppades över" in text
    assert received.reference in text and deviation.reference in text
    assert "Kvalitetsavvikelse kan inte hanteras härifrån ännu" in text
    assert "2 markerade ärenden finns inte eller får inte handläggas av dig." in text
    assert invisible.reference not in text  # an invisible case is never named


def test_bulk_assign(org, login, complaint):
    chef = org.users["chef_a1"]
    first, second = complaint(title="Ett"), complaint(title="Två")
    invisible = complaint(unit_key="B1")
    investigator = org.users["investigator"]
    response = login(chef).post(
        BULK,
        {
            "action": "assign",
            "assignee": investigator.pk,
            "cases": [first.pk, second.pk, invisible.pk],
        },
    )
    assert response.status_code == 302
    assert set(Case.objects.filter(assignee=investigator).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    invisible.refresh_from_db()
    assert invisible.assignee is None
    (text,) = _messages(response)
    assert text.startswith("2 ärenden tilldelades.") and "1 markerat ärende finns inte" in text
    # The assignee can now open the case (the service granted view and handle).
    assert login(investigator).get(first.get_absolute_url()).status_code == 200


def test_bulk_assign_needs_a_person_from_the_list(org, login, complaint):
    case = complaint()
    client = login(org.users["chef_a1"])
    response = client.post(BULK, {"action": "assign", "cases": [case.pk]})
    assert "Välj vem ärendena ska tilldelas." in _messages(response)[0]
    response = client.post(
        BULK, {"action": "assign", "assignee": org.users["staff_a1"].pk, "cases": [case.pk]}
    )
    assert "Massåtgärden kunde inte utföras" in _messages(response)[0]
    case.refresh_from_db()
    assert case.assignee is None


def test_bulk_seen_but_not_handleable_is_named(org, login, complaint):
    case = complaint()
    response = login(org.users["quality"]).post(BULK, {"action": "receive", "cases": [case.pk]})
    (text,) = _messages(response)
    assert f"{case.reference}: du får inte handlägga ärendet" in text
    case.refresh_from_db()
    assert case.status == "inkommen"


def test_bulk_rules(org, login, complaint):
    client = login(org.users["chef_a1"])
    assert client.get(BULK).status_code == 405
    # The back parameter is a query string, never a redirect target.
    response = client.post(
        BULK, {"action": "receive", "cases": [complaint().pk], "back": "//evil.example/"}
    )
    assert response["Location"] == "/inkorg/"
    with pytest.raises(ServiceError):
        cases_bulk_receive(case_ids=range(MAX_BULK + 1), actor=org.users["chef_a1"])


def test_checkboxes_only_on_handleable_rows(org, login, complaint):
    case = complaint()
    chef_html = login(org.users["chef_a1"]).get("/inkorg/").content.decode()
    assert f'name="cases" value="{case.pk}"' in chef_html
    assert "Massåtgärd för markerade ärenden" in chef_html
    quality_html = login(org.users["quality"]).get("/inkorg/").content.decode()
    assert case.reference in quality_html
    assert f'name="cases" value="{case.pk}"' not in quality_html
    assert "Massåtgärd för markerade ärenden" not in quality_html


# --- export --------------------------------------------------------------------------------------


def test_export_is_the_filtered_inbox_and_is_logged(org, login, complaint):
    chef = org.users["chef_a1"]
    mine = [complaint(title='=HYPERLINK("x")'), complaint(title="Två")]
    make_case(org.units["A1"], "deviation", title="Avvikelse")
    complaint(unit_key="B1", title="Osynligt")
    response = login(chef).get("/inkorg/export/", {"kind": "complaint"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Typ", "Diarienummer", "Rubrik")
    assert {row[1] for row in values[1:]} == {c.reference for c in mine}
    assert '\'=HYPERLINK("x")' in {row[2] for row in values[1:]}  # formula neutralised
    logged = AccessLog.objects.filter(user=chef, action=AccessAction.EXPORT)
    assert set(logged.values_list("case_reference", flat=True)) == {c.reference for c in mine}


# --- follow-ups ---------------------------------------------------------------------------------


def test_followups_block_lists_overdue_analyses_and_runs(org, login):
    from tests.riskanalysis.factories import make_analysis
    from tests.selfcontrol.factories import make_plan

    chef = org.users["chef_a1"]
    make_analysis(chef, [org.units["A1"]], title="Ny telefonirutin", follow_up_on=date(2025, 1, 31))
    make_plan(chef, org.units["A1"], area="Loggkontroll journal", year=2025)
    make_analysis(
        org.users["chef_b1"],
        [org.units["B1"]],
        title="Annan sektions analys",
        follow_up_on=date(2025, 1, 31),
    )
    html = login(chef).get("/inkorg/").content.decode()
    assert "Uppföljningar" in html and "Ny telefonirutin" in html and "Loggkontroll journal" in html
    assert "Annan sektions analys" not in html
