"""Deviation views: the report form, the receipt, the case-page part and every transition's
permission matrix (allowed, 403, 404), escaping and the classify conflict."""

import pytest
from django.utils import timezone

from cases.models import Case, Measure
from deviations import services as svc
from deviations.models import Deviation
from tests.factories import UserFactory, code

pytestmark = pytest.mark.django_db


def _status(case, status):
    # Test setup only: put the row in a state without going through the workflow.
    Case.objects.filter(pk=case.pk).update(status=status)
    return Case.objects.get(pk=case.pk)


def _data(org, name, case):
    """Valid POST data per transition URL."""
    return {
        "mottag": {"receive-reason": "Sett"},
        "tilldela": {"assign-assignee": str(org.users["chef_a1"].pk)},
        "utredning": {"investigate-reason": "Startar"},
        "klassificera": {
            "classify-version": str(case.version),
            "classify-deficiencies": [str(code("deficiency", "dokumentation").pk)],
            "classify-event_category": str(code("event_category", "handlaggning").pk),
        },
        "atgard": {"measure-description": "Genomgång på APT", "measure-level": "arbetsgrupp"},
        "avsluta": {"close-outcome": "utan_atgard", "close-summary": "Inget att åtgärda"},
        "omklassificera": {
            "reclassify-target": "arbetsmiljo",
            "reclassify-reason": "Gäller arbetsmiljön",
        },
    }[name]


NEEDS = {"mottag": "rapporterad", "utredning": "mottagen"}
NAMES = ["mottag", "tilldela", "utredning", "klassificera", "atgard", "avsluta", "omklassificera"]


# --- Report form and receipt -----------------------------------------------------------------


def test_report_form_defaults_to_own_unit(org, login):
    response = login(org.users["staff_a1"]).get("/avvikelser/ny/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["unit"] == org.units["A1"].pk
    html = response.content.decode()
    assert f'<option value="{org.units["A1"].pk}" selected>' in html
    for label in (
        "Vad hände?",
        "Gäller ett barn",
        "Hände vid frånvaro eller överlämning",
        "När hände det?",
        "Vilken omedelbar konsekvens fick det?",
    ):
        assert label in html
    # Strict CSP: no inline scripts or style attributes.
    assert "<script>" not in html and " style=" not in html


def test_report_errors_are_swedish_and_nothing_is_lost(org, login):
    client = login(org.users["staff_a1"])
    response = client.post(
        "/avvikelser/ny/",
        {
            "unit": str(org.units["A1"].pk),
            "occurred_on": "2099-01-01",
            "description": "",
            "immediate_consequence": "Beslutet blev försenat",
            "concerns_child": "on",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Beskriv vad som hände." in html
    assert "Datumet kan inte vara i framtiden." in html
    assert "Något behöver rättas" in html
    assert "Beslutet blev försenat" in html  # typed text kept
    assert response.context["form"]["concerns_child"].value() is True
    assert not Case.objects.filter(kind="deviation").exists()
    bad_date = client.post(
        "/avvikelser/ny/",
        {"unit": str(org.units["A1"].pk), "occurred_on": "14/3", "description": "x"},
    )
    assert "Skriv datumet som åååå-mm-dd" in bad_date.content.decode()


def test_report_creates_case_and_shows_receipt_then_status_only(org, login):
    client = login(org.users["staff_a1"])
    today = timezone.localdate().isoformat()
    response = client.post(
        "/avvikelser/ny/",
        {
            "unit": str(org.units["A1"].pk),
            "occurred_on": today,
            "description": "Beslut skickades inte ut\nDet upptäcktes efter tre veckor.",
            "immediate_consequence": "Försenad insats",
            "at_absence_or_handover": "on",
        },
    )
    case = Case.objects.get(kind="deviation")
    assert (
        response.status_code == 302
        and response["Location"] == f"/avvikelser/{case.reference}/kvitto/"
    )
    assert case.title == "Beslut skickades inte ut" and case.reporter == org.users["staff_a1"]
    assert case.deviation.at_absence_or_handover and not case.deviation.concerns_child
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200 and case.reference in receipt.content.decode()
    status_page = client.get(case.get_absolute_url())
    html = status_page.content.decode()
    assert status_page.status_code == 200 and "Rapporterad" in html
    assert "Handläggning" not in html and "Försenad insats" not in html
    # Someone else's receipt does not exist for this user.
    other = login(org.users["chef_b1"]).get(f"/avvikelser/{case.reference}/kvitto/")
    assert other.status_code == 404


def test_report_permissions(org, client, login):
    org.users["nobody"] = UserFactory(username="nobody")
    assert client.get("/avvikelser/ny/")["Location"].startswith("/logga-in/")
    assert login(org.users["nobody"]).get("/avvikelser/ny/").status_code == 403
    for who in ("staff_a1", "chef_a1", "investigator", "au"):
        assert login(org.users[who]).get("/avvikelser/ny/").status_code == 200, who


# --- The case page ---------------------------------------------------------------------------


def test_case_page_shows_part_and_handling_to_chef_in_scope(org, login, report):
    case = report(immediate_consequence="Försenad insats")
    html = login(org.users["chef_a1"]).get(case.get_absolute_url()).content.decode()
    assert "Kvalitetsavvikelse" in html and "Försenad insats" in html
    assert f"/avvikelser/{case.reference}/mottag/" in html
    # Classifying waits behind its disclosure: its form loads from the case's form URL.
    assert f"/arenden/{case.reference}/steg/classify/" in html
    form = login(org.users["chef_a1"]).get(
        f"/arenden/{case.reference}/steg/classify/", HTTP_HX_REQUEST="true"
    )
    assert f"/avvikelser/{case.reference}/klassificera/" in form.content.decode()
    quality = login(org.users["quality"]).get(case.get_absolute_url()).content.decode()
    assert "Försenad insats" in quality and "/mottag/" not in quality
    assert login(org.users["chef_b1"]).get(case.get_absolute_url()).status_code == 404


def test_stored_text_is_escaped(org, login, report):
    case = report(title="<script>alert(1)</script>", immediate_consequence="<b>fet</b>")
    html = login(org.users["chef_a1"]).get(case.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>fet</b>" not in html and "&lt;b&gt;fet&lt;/b&gt;" in html


# --- Transitions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_transition_allowed_for_chef_in_scope(org, login, report, name):
    case = _status(report(), NEEDS.get(name, "mottagen"))
    before = case.history.count() + Measure.objects.filter(case=case).count()
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{case.reference}/{name}/", _data(org, name, case)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = Case.objects.get(pk=case.pk)
    assert after.history.count() + Measure.objects.filter(case=case).count() > before


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "who,expected",
    [
        ("quality", 403),  # sees the case but does not handle it
        ("chef_b1", 404),  # another section: invisible
        ("staff_a1", 404),  # the reporter: status only
    ],
)
def test_transition_refused(org, login, report, name, who, expected):
    case = _status(report(), NEEDS.get(name, "mottagen"))
    before = case.history.count()
    response = login(org.users[who]).post(
        f"/avvikelser/{case.reference}/{name}/", _data(org, name, case)
    )
    assert response.status_code == expected
    assert case.history.count() == before
    assert Case.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("name", NAMES)
def test_transition_is_post_only_and_needs_login(org, client, login, report, name):
    case = report()
    response = client.post(f"/avvikelser/{case.reference}/{name}/", {})
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")
    assert (
        login(org.users["chef_a1"]).get(f"/avvikelser/{case.reference}/{name}/").status_code == 405
    )


def test_transition_on_other_case_type_is_404(org, login):
    from tests.factories import make_case

    complaint = make_case(org.units["A1"], kind_="complaint")
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{complaint.reference}/mottag/", {"receive-reason": ""}
    )
    assert response.status_code == 404


def test_service_error_rerenders_with_typed_text(org, login, report):
    case = report()
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{case.reference}/avsluta/",
        {"close-outcome": "med_atgard", "close-summary": "Rutinen följdes inte"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Lägg till minst en åtgärd" in html and "Rutinen följdes inte" in html
    assert Case.objects.get(pk=case.pk).is_open


def test_wrong_status_is_a_swedish_message(org, login, report):
    # A step the page does not offer in this status (a page opened before the case moved on):
    # refused like any action not offered, and the page says why.
    case = report()
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{case.reference}/utredning/", {"investigate-reason": ""}
    )
    assert response.status_code == 403
    assert "kan inte gå från ”Rapporterad” till ”Utredning pågår”" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "rapporterad"


def test_classify_conflict_is_shown_and_nothing_is_overwritten(org, login, report):
    case = report()
    stale = case.version
    svc.deviation_classify(
        case=case,
        expected_version=stale,
        actor=org.users["chef_a"],
        deficiencies=[code("deficiency", "bemotande")],
    )
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{case.reference}/klassificera/",
        {
            "classify-version": str(stale),
            "classify-deficiencies": [str(code("deficiency", "kompetens").pk)],
            "classify-reason": "Min analys",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Någon annan har sparat ändringar" in html and "Sparat nu av någon annan" in html
    assert "Min analys" in html  # what was typed is kept
    form = response.context["action_forms"]["classify"]
    assert form["version"].value() == str(stale + 1)  # a second submit overwrites deliberately
    assert [c.code for c in Deviation.objects.get(pk=case.pk).deficiencies.all()] == ["bemotande"]


def test_reclassify_to_lex_sarah_redirects_to_the_new_case(org, login, report):
    case = report()
    response = login(org.users["chef_a1"]).post(
        f"/avvikelser/{case.reference}/omklassificera/",
        {"reclassify-target": "lex_sarah", "reclassify-reason": "Risk för missförhållande"},
    )
    assert response.status_code == 302
    lex = Case.objects.get(kind="lexsarah")
    assert response["Location"] == lex.get_absolute_url()
