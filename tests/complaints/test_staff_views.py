"""Staff intake and handling views: permission matrix, flow through the case page, bad input."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.complaints import services as svc
from cases.complaints.models import Complaint
from cases.complaints.workflow import ComplaintStatus
from cases.models import Case, CaseLink, Measure
from tests.factories import UserFactory, code

pytestmark = pytest.mark.django_db

TRANSITIONS = {
    # url name → valid POST data
    "mottag": {"receive-reason": ""},
    "tilldela": {"assign-assignee": "__staff_a1__"},
    "bedomning": {
        "assess-topics": ["__bemotande__"],
        "assess-deviation_found": "nej",
        "assess-reason": "Utredd",
    },
    "atgard": {"measure-description": "Rutinen gås igenom", "measure-level": "arende"},
    "svara": {"reply-reply_text": "Tack för att du hörde av dig.", "reply-replied_on": "__today__"},
    "avsluta": {"close-reason": "Klart"},
    "eskalera": {"escalate-kind": "deviation", "escalate-reason": "Upprepade brister"},
}
# Status the case needs for each transition to be allowed.
NEEDS = {
    "mottag": "inkommen",
    "svara": "under_utredning",
    "avsluta": "under_utredning",
    "ateruppta": "besvarad",
}


def _data(org, name):
    data = {}
    for key, value in TRANSITIONS.get(name, {"resume-reason": ""}).items():
        if value == "__staff_a1__":
            value = str(org.users["staff_a1"].pk)
        elif value == "__today__":
            value = timezone.localdate().isoformat()
        elif value == ["__bemotande__"]:
            value = [str(code("complaint_topic", "bemotande").pk)]
        data[key] = value
    return data


def _case_in(public_complaint, status="inkommen"):
    complaint, _r = public_complaint()
    Case.objects.filter(pk=complaint.pk).update(status=status)
    return Case.objects.get(pk=complaint.pk)


# --- Permission matrix ------------------------------------------------------------------------

ALL_TRANSITIONS = [*TRANSITIONS, "ateruppta"]


@pytest.mark.parametrize("name", ALL_TRANSITIONS)
def test_transition_allowed_for_responsible_chef(org, client, login, public_complaint, name):
    case = _case_in(public_complaint, NEEDS.get(name, "under_utredning"))
    response = login(org.users["chef_a1"]).post(
        f"/klagomal/{case.reference}/{name}/", _data(org, name)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert case.history.count() >= 1


@pytest.mark.parametrize("name", ALL_TRANSITIONS)
@pytest.mark.parametrize(
    "who,expected",
    [
        ("quality", 403),  # sees the case but does not handle it
        ("chef_b1", 404),  # another section: invisible
        ("staff_a1", 404),  # medarbetare: no case access at all
        ("au", 404),  # AU sees lex Sarah only
    ],
)
def test_transition_refused(org, login, public_complaint, name, who, expected):
    case = _case_in(public_complaint, NEEDS.get(name, "under_utredning"))
    before = case.history.count()
    response = login(org.users[who]).post(f"/klagomal/{case.reference}/{name}/", _data(org, name))
    assert response.status_code == expected
    assert case.history.count() == before
    assert Case.objects.get(pk=case.pk).status == case.status


@pytest.mark.parametrize("name", ALL_TRANSITIONS)
def test_transition_anonymous_redirects_to_login_and_get_is_not_allowed(
    org, client, login, public_complaint, name
):
    case = _case_in(public_complaint, NEEDS.get(name, "under_utredning"))
    response = client.post(f"/klagomal/{case.reference}/{name}/", _data(org, name))
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")
    assert login(org.users["chef_a1"]).get(f"/klagomal/{case.reference}/{name}/").status_code == 405


def test_transition_on_other_case_type_is_404(org, login):
    from tests.factories import make_case

    deviation = make_case(org.units["A1"], kind_="deviation")
    response = login(org.users["chef_a1"]).post(
        f"/klagomal/{deviation.reference}/avsluta/", {"close-reason": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url,allowed,forbidden",
    [
        ("/klagomal/personal/ny/", ["staff_a1", "chef_a1", "au", "investigator"], ["nobody"]),
        ("/klagomal/registrera/", ["chef_a1", "quality"], ["staff_a1", "au", "nobody"]),
    ],
)
def test_intake_permissions(org, client, login, url, allowed, forbidden):
    org.users["nobody"] = UserFactory(username="nobody")  # logged in, no role anywhere
    assert client.get(url).status_code == 302
    assert client.get(url)["Location"].startswith("/logga-in/")
    for who in forbidden:
        assert login(org.users[who]).get(url).status_code == 403, who
    for who in allowed:
        assert login(org.users[who]).get(url).status_code == 200, who


def test_case_page_part_visible_only_in_scope(org, login, public_complaint):
    complaint, _r = public_complaint()
    url = complaint.case.get_absolute_url()
    chef = login(org.users["chef_a1"]).get(url)
    assert chef.status_code == 200
    html = chef.content.decode()
    assert "Klagomål och synpunkter" in html and "boende@example.se" in html
    assert "Ta emot ärendet" in html
    quality = login(org.users["quality"]).get(url).content.decode()
    assert "boende@example.se" in quality and "Ta emot ärendet" not in quality  # read only
    assert login(org.users["chef_b1"]).get(url).status_code == 404


# --- Intake ---------------------------------------------------------------------------------


def test_staff_complaint_defaults_to_own_unit_and_is_reported(org, login):
    client = login(org.users["staff_a1"])
    page = client.get("/klagomal/personal/ny/").content.decode()
    assert f'<option value="{org.units["A1"].pk}" selected>' in page
    response = client.post(
        "/klagomal/personal/ny/",
        {
            "unit": org.units["A1"].pk,
            "complaint_type": "synpunkt",
            "title": "Skrivare saknas",
            "description": "Vi har ingen skrivare på plan 3.",
            "occurred_on": "",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.source == "personal" and complaint.case.reporter == org.users["staff_a1"]
    assert complaint.case.unit == org.units["A1"]
    # The reporter sees a status page, not the handling.
    status = client.get(response["Location"])
    assert status.status_code == 200 and "Inkommen" in status.content.decode()
    assert "Ta emot ärendet" not in status.content.decode()


def test_staff_form_keeps_values_and_explains_errors(org, login):
    client = login(org.users["staff_a1"])
    response = client.post(
        "/klagomal/personal/ny/",
        {
            "unit": org.units["A1"].pk,
            "complaint_type": "",
            "title": "",
            "description": "Min text <b>finns kvar</b>",
            "occurred_on": "2999-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Min text &lt;b&gt;finns kvar&lt;/b&gt;" in html
    assert "Skriv en rubrik." in html and "Välj typ." in html
    assert "Datumet kan inte vara i framtiden." in html
    assert not Case.objects.exists()


def test_register_by_phone_via_ivo_in_scope_only(org, login):
    client = login(org.users["chef_a1"])
    data = {
        "received_on": timezone.localdate().isoformat(),
        "channel": "telefon",
        "sender_category": "via-ivo",
        "unit": org.units["A1"].pk,
        "complaint_type": "klagomal",
        "title": "Samtal från IVO",
        "description": "IVO förmedlar ett klagomål.",
        "occurred_on": "",
        "anonymous": "nej",
        "sender_name": "",
        "sender_email": "",
        "sender_phone": "",
    }
    response = client.post("/klagomal/registrera/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    complaint = Complaint.objects.get()
    assert complaint.channel.code == "telefon" and complaint.sender_category.code == "via-ivo"
    assert complaint.case.received_at.date() <= timezone.localdate()
    # A unit outside the chef's scope is not a valid choice.
    response = client.post("/klagomal/registrera/", {**data, "unit": org.units["B1"].pk})
    assert response.status_code == 400
    assert "Välj en verksamhet i listan." in response.content.decode()
    assert Complaint.objects.count() == 1


# --- Handling through the views ---------------------------------------------------------------


def test_reply_error_keeps_typed_text_and_shows_swedish_message(org, login, public_complaint):
    complaint, _r = public_complaint()
    client = login(org.users["chef_a1"])
    # Replying before receiving is not offered in that status: refused (403) like any step the
    # page does not offer, and the page says why in Swedish.
    response = client.post(
        f"/klagomal/{complaint.case.reference}/svara/",
        {
            "reply-reply_text": "Ett långt och genomtänkt svar",
            "reply-replied_on": "2020-01-01",
        },
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "kan inte gå från ”Inkommen” till ”Besvarad”" in html
    # The case page shows the bound reply form only when replying is possible; the error
    # summary still names the problem.
    svc.complaint_receive(case=complaint.case, actor=org.users["chef_a1"])
    too_long = client.post(
        f"/klagomal/{complaint.case.reference}/svara/",
        {
            "reply-reply_text": "å" * 20_001,
            "reply-replied_on": timezone.localdate().isoformat(),
        },
    )
    assert too_long.status_code == 400
    html = too_long.content.decode()
    assert "Texten är för lång" in html and "å" * 100 in html
    assert 'href="#id_reply-reply_text"' in html
    assert Case.objects.get(pk=complaint.pk).status == ComplaintStatus.INVESTIGATING


def test_whole_handling_flow_in_views(
    org, login, public_complaint, celery_eager, django_capture_on_commit_callbacks
):
    complaint, _r = public_complaint()
    ref = complaint.case.reference
    client = login(org.users["chef_a1"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/klagomal/{ref}/mottag/", {"receive-reason": ""}).status_code == 302
    assert len(mail.outbox) == 1
    client.post(
        f"/klagomal/{ref}/bedomning/", _data(org, "bedomning") | {"assess-deviation_found": "ja"}
    )
    client.post(
        f"/klagomal/{ref}/atgard/",
        {"measure-description": "Utbildning i bemötande", "measure-level": "verksamhet"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/klagomal/{ref}/svara/", _data(org, "svara"))
    assert len(mail.outbox) == 2
    # The measure is still planned: closing needs the deliberate confirmation.
    refused = client.post(f"/klagomal/{ref}/avsluta/", {"close-reason": "Åtgärdat"})
    assert refused.status_code == 400
    assert "Jag vill avsluta trots att åtgärder inte är genomförda" in refused.content.decode()
    response = client.post(
        f"/klagomal/{ref}/avsluta/",
        {"close-reason": "Åtgärdat", "close-confirm_open_measures": "on"},
    )
    assert response.status_code == 302
    case = Case.objects.get(reference=ref)
    assert case.history.latest().history_change_reason.startswith(
        "Avslutad trots 1 åtgärd som inte är genomförd (bekräftat). Åtgärdat"
    )
    assert case.status == ComplaintStatus.CLOSED and case.outcome == "avvikelse"
    assert Measure.objects.get(case=case).level == "verksamhet"
    history = client.get(f"/arenden/{ref}/historik/").content.decode()
    assert "Åtgärdat" in history and "Återkoppling lämnad" in history


def test_measure_with_wrong_level_is_refused(org, login, public_complaint):
    case = _case_in(public_complaint, "under_utredning")
    response = login(org.users["chef_a1"]).post(
        f"/klagomal/{case.reference}/atgard/",
        {"measure-description": "x", "measure-level": "forvaltning"},
    )
    assert response.status_code == 400
    assert not Measure.objects.exists()


def test_escalation_shows_lineage_on_both_pages(org, login, public_complaint):
    case = _case_in(public_complaint, "under_utredning")
    client = login(org.users["chef_a1"])
    response = client.post(f"/klagomal/{case.reference}/eskalera/", _data(org, "eskalera"))
    assert response.status_code == 302
    link = CaseLink.objects.get(source=case)
    assert response["Location"] == link.target.get_absolute_url()
    target_page = client.get(link.target.get_absolute_url()).content.decode()
    assert case.reference in target_page
    source_page = client.get(case.get_absolute_url()).content.decode()
    assert link.target.reference in source_page


def test_case_page_query_count_does_not_grow_with_additions_topics_and_measures(
    org, login, public_complaint
):
    complaint, _r = public_complaint()
    case = svc.complaint_receive(case=complaint.case, actor=org.users["chef_a1"])
    client = login(org.users["chef_a1"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(case.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    svc.complaint_addition_add(complaint=complaint, text="Första")
    svc.complaint_measure_add(case=case, description="Första åtgärden", actor=org.users["chef_a1"])
    count()  # the process's first access-log row looks its content type up once (cached after)
    before = count()
    for i in range(5):
        svc.complaint_addition_add(complaint=complaint, text=f"Tillägg {i}")
        svc.complaint_measure_add(case=case, description=f"Åtgärd {i}", actor=org.users["chef_a1"])
    topics = list(code("complaint_topic", c) for c in ["bemotande", "beslut", "information"])
    svc.complaint_assess(case=case, topics=topics, deviation_found=None, actor=org.users["chef_a1"])
    assert count() == before
