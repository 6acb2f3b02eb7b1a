"""Views: the report form, the case page part, each action allowed / 403 / 404, the reporter's
status list, and the visibility matrix (list and detail agree)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from lexsarah import selectors as sel
from lexsarah import services as svc
from lexsarah.models import Assessment, LexSarahReport
from lexsarah.workflow import LexSarahStatus as S
from tests.factories import UserFactory, code, member

PEOPLE = ["investigator", "chef_a1", "chef_b1", "au", "quality", "staff_a1", "other", "reporter"]


@pytest.fixture
def people(org):
    users = org.users  # shared with make_report
    users["other"] = UserFactory(username="other_staff")
    member(users["other"], org.units["A1"], "medarbetare")
    users["reporter"] = UserFactory(username="reporter_b1")
    member(users["reporter"], org.units["B1"], "medarbetare")
    return users


@pytest.fixture
def assigned_case(org, people, make_report):
    """A report about A1 by staff_a1, received and assigned to the investigator."""
    case = make_report()
    svc.lexsarah_receive(case=case, actor=people["chef_a1"])
    return svc.lexsarah_assign_investigator(
        case=case, assignee=people["investigator"], actor=people["chef_a1"]
    )


# Who sees a report about A1 (assigned to the investigator, reported by staff_a1).
VISIBLE = {
    "investigator": True,
    "chef_a1": True,
    "chef_b1": False,
    "au": True,
    "quality": True,
    "staff_a1": False,
    "other": False,
    "reporter": False,
}


@pytest.mark.parametrize("who", PEOPLE)
def test_visibility_list_and_detail_agree(client, people, assigned_case, who):
    user = people[who]
    in_list = sel.reports_visible_to(user).filter(pk=assigned_case.pk).exists()
    client.force_login(user)
    response = client.get(assigned_case.get_absolute_url())
    assert in_list == VISIBLE[who]
    if VISIBLE[who]:
        assert response.status_code == 200
        assert "Lex Sarah" in response.content.decode()
    elif who == "staff_a1":
        # The reporter: the status and what they wrote themselves, none of the handling.
        body = response.content.decode()
        assert response.status_code == 200 and "Kvällspersonalen gav fel dos." in body
        assert "Det här skrev du" in body and "Omedelbara åtgärder" not in body
    else:
        assert response.status_code == 404


def test_reporter_sees_only_status_of_own(client, people, assigned_case, make_report):
    make_report(unit_key="B1", reporter_key="reporter")
    client.force_login(people["staff_a1"])
    body = client.get(reverse("lexsarah:mine")).content.decode()
    assert assigned_case.reference in body and "Mottagen" in body
    assert body.count("<tbody><tr>") == 1 and body.count("</td></tr>") == 1
    assert assigned_case.title in body and "Kvällspersonalen" not in body


def test_report_form_creates_and_keeps_text_on_personnummer(client, people, org):
    client.force_login(people["other"])
    page = client.get(reverse("lexsarah:create"))
    assert page.status_code == 200 and "SoL (2025:400) 27 kap. 1–6 §§" in page.content.decode()
    data = {
        "report_kind": "risk",
        "unit": org.units["A1"].pk,
        "reporter_type": code("reporter_type", "anstalld").pk,
        "description": "Brukare 19850101-1234 föll.",
        "persons_affected": "En boende",
        "occurred_at": "2025-03-01T10:00",
    }
    response = client.post(reverse("lexsarah:create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "personnummer" in body and "Brukare 19850101-1234 föll." in body
    assert 'name="description_pnr_ok"' in body
    response = client.post(reverse("lexsarah:create"), {**data, "description_pnr_ok": "1"})
    assert response.status_code == 302
    report = LexSarahReport.objects.get(case__reporter=people["other"])
    assert report.report_kind == "risk" and report.case.status == S.REPORTED


def test_report_form_requires_description_in_swedish(client, people, org):
    client.force_login(people["other"])
    response = client.post(
        reverse("lexsarah:create"), {"report_kind": "risk", "unit": org.units["A1"].pk}
    )
    assert response.status_code == 400 and "Beskriv vad som hänt." in response.content.decode()


def test_report_form_labels_every_field(client, people):
    client.force_login(people["other"])
    body = client.get(reverse("lexsarah:create")).content.decode()
    for name in (
        "unit",
        "occurred_at",
        "reporter_type",
        "title",
        "description",
        "persons_affected",
        "concerns_child",
        "personal_data_breach",
    ):
        assert f'for="id_{name}"' in body, name
    assert "style=" not in body and "<script>" not in body


# action name → its route (the immediate measure's route predates the name).
ROUTES = {"immediate": "lexsarah:measure"}


def _post(client, user, name, case, data):
    client.force_login(user)
    return client.post(reverse(ROUTES.get(name, f"lexsarah:{name}"), args=[case.reference]), data)


# action → (allowed, forbidden (visible), invisible)
ACTIONS = {
    "immediate": (
        "chef_a1",
        "au",
        "chef_b1",
        {"immediate-taken_at": "2025-01-01T10:00", "immediate-text": "Bytte personal"},
    ),
    "assign": ("chef_a1", "quality", "other", {"assign-assignee": "INV"}),
    "investigate": ("investigator", "au", "chef_b1", {"investigate-investigator": "INV"}),
    "urgent": ("au", "chef_a1", "staff_a1", {"urgent-motivation": "Kan inte vänta"}),
    "close": ("chef_a1", "investigator_other", "chef_b1", {"close-reason": "x"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_permissions(client, people, assigned_case, action):
    allowed, forbidden, invisible, data = ACTIONS[action]
    data = {k: (people["investigator"].pk if v == "INV" else v) for k, v in data.items()}
    if forbidden == "investigator_other":
        forbidden = "investigator"  # sees the case but is not chef: close is still allowed
    assert _post(client, people[invisible], action, assigned_case, data).status_code == 404
    if action != "close":
        assert _post(client, people[forbidden], action, assigned_case, data).status_code == 403
    response = _post(client, people[allowed], action, assigned_case, data)
    if action == "close":
        # Allowed for the chef, but not possible now: the page says why (no assessment).
        assert response.status_code == 403
        assert "saknar bedömning" in response.content.decode()
    else:
        assert response.status_code == 302, response.content.decode()[:2000]


def test_receive_view_and_anonymous_redirect(client, people, make_report):
    case = make_report()
    assert client.post(reverse("lexsarah:receive", args=[case.reference])).status_code == 302
    assert Case.objects.get(pk=case.pk).status == S.REPORTED
    response = _post(
        client,
        people["chef_a1"],
        "receive",
        case,
        {"receive-immediate_measure": "Extra nattpersonal"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == S.RECEIVED
    assert LexSarahReport.objects.get(pk=case.pk).immediate_measures.count() == 1


def test_investigation_page_permissions(client, people, assigned_case, make_report):
    inv = svc.investigation_create(cases=[assigned_case], actor=people["investigator"])
    url = reverse("lexsarah:investigation", args=[inv.pk])
    data = {
        "version": inv.version,
        "events": "Förlopp",
        "person_view": "",
        "staff_view": "",
        "cause_analysis": "",
        "assessment_text": "",
        "proposed_measures": "",
    }
    for who, get_code, post_code in (
        ("investigator", 200, 302),
        ("chef_a1", 200, 302),
        ("au", 200, 403),
        ("quality", 200, 403),
        ("chef_b1", 404, 404),
        ("staff_a1", 404, 404),
        ("other", 404, 404),
    ):
        client.force_login(people[who])
        assert client.get(url).status_code == get_code, who
        data["version"] = type(inv).objects.get(pk=inv.pk).version
        assert client.post(url, data).status_code == post_code, who


def test_investigation_visible_only_when_every_report_is(client, people, make_report):
    a, b = make_report(), make_report(unit_key="B1")
    for case, chef in ((a, people["chef_a1"]), (b, people["chef_b1"])):
        svc.lexsarah_receive(case=case, actor=chef)
        svc.lexsarah_assign_investigator(case=case, assignee=people["investigator"], actor=chef)
    inv = svc.investigation_create(
        cases=[a, b], actor=people["investigator"], investigator=people["investigator"]
    )
    assert sel.investigations_visible_to(people["investigator"]).filter(pk=inv.pk).exists()
    assert not sel.investigations_visible_to(people["chef_a1"]).filter(pk=inv.pk).exists()
    client.force_login(people["chef_a1"])
    assert client.get(reverse("lexsarah:investigation", args=[inv.pk])).status_code == 404
    body = client.get(a.get_absolute_url()).content.decode()
    assert "även gäller ärenden du inte har behörighet till" in body


def test_au_pages(client, people, assigned_case):
    url = reverse("lexsarah:au_list")
    for who, status in (
        ("au", 200),
        ("quality", 200),
        ("chef_a1", 403),
        ("investigator", 403),
        ("staff_a1", 403),
    ):
        client.force_login(people[who])
        assert client.get(url).status_code == status, who
    client.force_login(people["quality"])
    assert client.post(reverse("lexsarah:au_create"), {"held_on": "2025-05-01"}).status_code == 403
    client.force_login(people["au"])
    response = client.post(
        reverse("lexsarah:au_create"),
        {"held_on": "2025-05-01", "chair": people["au"].pk, "members": [people["au"].pk]},
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    assert client.get(meeting_url).status_code == 200
    client.force_login(people["chef_a1"])
    assert client.get(meeting_url).status_code == 403


def test_au_flow_through_views(client, people, assigned_case):
    inv_user, au = people["investigator"], people["au"]
    inv = svc.investigation_create(cases=[assigned_case], actor=inv_user)
    client.force_login(inv_user)
    url = reverse("lexsarah:investigation", args=[inv.pk])
    client.post(url, {"version": 1, "events": "Förlopp", "proposed_measures": "Rutin"})
    response = client.post(
        reverse("lexsarah:inv_assess", args=[inv.pk]),
        {"assess-assessment": Assessment.SERIOUS, "assess-motivation": "Allvarligt"},
    )
    assert response.status_code == 302
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    client.force_login(au)
    response = client.post(
        reverse("lexsarah:agenda_add", args=[meeting.pk]), {"add-investigation": inv.pk}
    )
    assert response.status_code == 302
    item = meeting.items.get()
    decide = reverse("lexsarah:agenda_decide", args=[meeting.pk, item.pk])
    bad = client.post(
        decide,
        {f"item{item.pk}-severity": Assessment.SERIOUS, f"item{item.pk}-measures_approved": "ja"},
    )
    assert bad.status_code == 400 and "ska anmälas till IVO" in bad.content.decode()
    ok = client.post(
        decide,
        {
            f"item{item.pk}-severity": Assessment.SERIOUS,
            f"item{item.pk}-measures_approved": "ja",
            f"item{item.pk}-ivo": "on",
        },
    )
    assert ok.status_code == 302
    assert Case.objects.get(pk=assigned_case.pk).status == S.IVO
    response = _post(
        client,
        au,
        "ivo_sent",
        assigned_case,
        {"ivo_sent-sent_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    response = _post(
        client,
        au,
        "ivo_decision",
        assigned_case,
        {
            "ivo_decision-decision_date": timezone.localdate().isoformat(),
            "ivo_decision-outcome": "kritik",
        },
    )
    assert response.status_code == 302
    page = client.get(assigned_case.get_absolute_url()).content.decode()
    assert "Kritik" in page and "Avsluta ärendet" in page
