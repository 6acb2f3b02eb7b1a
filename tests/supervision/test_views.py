"""Supervision pages: the permission matrix for every view (allowed / 403 / 404 / login),
the edit conflict, the forms keeping what was typed, the list with counts and the history tab."""

from datetime import date

import pytest
from django.urls import reverse

from cases.supervision import services as services
from cases.supervision.models import Supervision, SupervisionDecision, SupervisionMeasure
from tests.supervision.factories import make_supervision

pytestmark = pytest.mark.django_db

READERS = {"chef_a1", "chef_a", "quality", "au"}
WRITERS = {"chef_a1", "chef_a", "quality"}
OUT_OF_SCOPE = {"chef_b1"}
NO_ROLE = {"staff_a1", "investigator", "admin"}
USERS = sorted(READERS | OUT_OF_SCOPE | NO_ROLE) + ["anonymous"]


@pytest.fixture
def sup(org):
    sup = make_supervision(
        org.users["quality"], [org.units["A1"]], decisions=[(date(2025, 5, 2), ["bemanning"])]
    )
    services.supervision_measure_add(
        supervision=sup, actor=org.users["quality"], description="Checklista"
    )
    sup.refresh_from_db()
    return sup


def _views(s: Supervision):
    measure = s.measures.first()
    return {
        "list": ("get", reverse("supervision:list"), False, False, {}),
        "create": ("get", reverse("supervision:create"), True, False, {}),
        "detail": ("get", s.get_absolute_url(), False, True, {}),
        "history": ("get", reverse("supervision:history", args=[s.pk]), False, True, {}),
        "edit": ("get", reverse("supervision:edit", args=[s.pk]), True, True, {}),
        "decision_add": (
            "post",
            reverse("supervision:decision_add", args=[s.pk]),
            True,
            True,
            {"decided_on": "2025-06-01", "deficiencies_found": "0"},
        ),
        "measure_add": (
            "post",
            reverse("supervision:measure_add", args=[s.pk]),
            True,
            True,
            {"description": "Rutin", "status": "planerad"},
        ),
        "measure_complete": (
            "post",
            reverse("supervision:measure_complete", args=[s.pk, measure.pk]),
            True,
            True,
            {"completed_on": "2025-06-02"},
        ),
        "response_sent": (
            "post",
            reverse("supervision:response_sent", args=[s.pk]),
            True,
            True,
            {"sent_on": "2025-06-03"},
        ),
        "supplement": ("post", reverse("supervision:supplement", args=[s.pk]), True, True, {}),
        "close": (
            "post",
            reverse("supervision:close", args=[s.pk]),
            True,
            True,
            {"closed_on": "2025-07-01"},
        ),
    }


VIEW_NAMES = [
    "list",
    "create",
    "detail",
    "history",
    "edit",
    "decision_add",
    "measure_add",
    "measure_complete",
    "response_sent",
    "supplement",
    "close",
]


def _expected(view: str, username: str, method: str, needs_write: bool, is_object: bool) -> int:
    if username == "anonymous":
        return 302
    if username in NO_ROLE:
        return 403
    if needs_write and username not in WRITERS | OUT_OF_SCOPE:
        return 403  # AU reads, never writes
    if is_object and username in OUT_OF_SCOPE:
        return 404
    if view == "supplement":
        return 403  # a writer, but the supervision is pågående: nothing to supplement
    return 302 if method == "post" else 200


def _history_count() -> int:
    return (
        Supervision.history.count()
        + SupervisionDecision.history.count()
        + SupervisionMeasure.history.count()
    )


@pytest.mark.parametrize("view", VIEW_NAMES)
@pytest.mark.parametrize("username", USERS)
def test_permission_matrix(org, client, sup, view, username):
    method, url, needs_write, is_object, data = _views(sup)[view]
    if username != "anonymous":
        client.force_login(org.users[username])
    before = _history_count()
    response = getattr(client, method)(url, data)
    expected = _expected(view, username, method, needs_write, is_object)
    assert response.status_code == expected
    if username == "anonymous":
        assert "/logga-in/" in response["Location"]
    if method == "post" and expected != 302 or username == "anonymous":
        assert _history_count() == before  # refused writes leave no trace


def test_out_of_scope_chef_does_not_see_it_in_the_list(org, client, sup):
    client.force_login(org.users["chef_b1"])
    body = client.get(reverse("supervision:list")).content.decode()
    assert "Tillsyn av HVB" not in body
    client.force_login(org.users["chef_a1"])
    assert "Tillsyn av HVB" in client.get(reverse("supervision:list")).content.decode()


def test_get_on_action_views_is_not_allowed(org, client, sup):
    client.force_login(org.users["quality"])
    assert client.get(reverse("supervision:close", args=[sup.pk])).status_code == 405


def test_create_form_keeps_input_on_error_and_creates(org, client):
    client.force_login(org.users["chef_a1"])
    url = reverse("supervision:create")
    bad = {
        "authority": "ivo",
        "title": "Inspektion av stödboende",
        "initiated_on": "2025-02-01",
        "units": [org.units["A1"].pk],
    }  # no type
    response = client.get(url)
    assert response.status_code == 200
    body = client.post(url, bad).content.decode()
    assert "Inspektion av stödboende" in body and "error-summary" in body
    from cases.models import Code

    hvb = Code.objects.get(codelist="supervision_type", code="hvb")
    response = client.post(
        url, {**bad, "supervision_type": hvb.pk, "authority_reference": "3.5.1-777/2025"}
    )
    created = Supervision.objects.get(authority_reference="3.5.1-777/2025")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert list(created.units.all()) == [org.units["A1"]]
    assert created.history.earliest("history_date").history_user == org.users["chef_a1"]


def _edit_data(sup, **over):
    data = {
        "authority": sup.authority,
        "supervision_type": sup.supervision_type_id,
        "authority_reference": sup.authority_reference,
        "title": sup.title,
        "initiated_on": sup.initiated_on.isoformat(),
        "summary": sup.summary,
        "units": [u.pk for u in sup.units.all()],
        "version": sup.version,
    }
    data.update(over)
    return data


def test_concurrent_edit_is_detected_nothing_overwritten_and_input_kept(org, client, sup):
    url = reverse("supervision:edit", args=[sup.pk])
    opened = _edit_data(sup)
    services.supervision_update(
        supervision=sup,
        expected_version=sup.version,
        data={"title": "Kollegans rubrik"},
        actor=org.users["chef_a"],
    )
    client.force_login(org.users["quality"])
    response = client.post(url, {**opened, "title": "Min rubrik", "summary": "Mitt utkast"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan har sparat ändringar" in body
    assert "Min rubrik" in body and "Mitt utkast" in body  # what was typed
    assert "Kollegans rubrik" in body  # the saved version beside it
    sup.refresh_from_db()
    assert sup.title == "Kollegans rubrik"
    # The re-rendered form carries the current version: a deliberate second save goes through.
    assert response.context["form"].data["version"] == str(sup.version)
    again = client.post(url, {**opened, "title": "Min rubrik", "version": sup.version})
    assert again.status_code == 302
    sup.refresh_from_db()
    assert sup.title == "Min rubrik"


def test_edit_saves_with_history(org, client, sup):
    client.force_login(org.users["chef_a1"])
    response = client.post(
        reverse("supervision:edit", args=[sup.pk]),
        _edit_data(
            sup, preparation_on="2025-05-10", committee_on="2025-05-20", board_on="2025-05-30"
        ),
    )
    assert response.status_code == 302
    sup.refresh_from_db()
    assert (sup.preparation_on, sup.committee_on, sup.board_on) == (
        date(2025, 5, 10),
        date(2025, 5, 20),
        date(2025, 5, 30),
    )
    last = sup.history.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (
        org.users["chef_a1"],
        "Uppgifter ändrades",
    )


def test_edit_rejects_decision_path_out_of_order(org, client, sup):
    client.force_login(org.users["quality"])
    response = client.post(
        reverse("supervision:edit", args=[sup.pk]),
        _edit_data(sup, preparation_on="2025-05-10", committee_on="2025-05-01"),
    )
    assert response.status_code == 400
    assert "kan inte vara före" in response.content.decode()


def test_action_views_call_their_service(org, client, sup):
    client.force_login(org.users["quality"])
    client.post(
        reverse("supervision:decision_add", args=[sup.pk]),
        {"decided_on": "2025-06-01", "deficiencies_found": "1", "response_due_on": "2025-07-01"},
    )
    client.post(reverse("supervision:response_sent", args=[sup.pk]), {"sent_on": "2025-06-20"})
    sup.refresh_from_db()
    assert (sup.decisions.count(), sup.status, sup.response_due_on) == (
        2,
        Supervision.Status.RESPONSE_SENT,
        date(2025, 7, 1),
    )
    response = client.post(reverse("supervision:close", args=[sup.pk]), {"closed_on": "2025-05-01"})
    # Refused by the service: the same page with the form and the reason, nothing closed.
    assert response.status_code == 400
    assert "före det senaste beslutet" in response.content.decode()
    assert 'value="2025-05-01"' in response.content.decode()
    client.post(reverse("supervision:close", args=[sup.pk]), {"closed_on": "2025-09-01"})
    sup.refresh_from_db()
    assert sup.status == Supervision.Status.CLOSED


def test_detail_history_and_list_render(org, client, sup):
    client.force_login(org.users["au"])
    body = client.get(sup.get_absolute_url()).content.decode()
    assert "Bemanning och kompetens" in body and "Checklista" in body
    assert "Registrera beslut" not in body  # AU reads only
    history = client.get(reverse("supervision:history", args=[sup.pk])).content.decode()
    assert "Tillsynsärende registrerat" in history and "Beslut från IVO registrerat" in history
    listing = client.get(reverse("supervision:list"), {"ar": "2025", "myndighet": "ivo"})
    assert listing.status_code == 200
    counts = listing.context["counts"]
    assert (counts.cases, counts.decisions) == (1, 1)
    assert client.get(reverse("supervision:list"), {"ar": "abc"}).status_code == 200


def test_history_tab_shows_unit_changes_readably(org, client, sup):
    services.supervision_update(
        supervision=sup,
        expected_version=sup.version,
        data={},
        units=[org.units["A2"]],
        actor=org.users["quality"],
        reason="Fel sektion",
    )
    client.force_login(org.users["quality"])
    body = client.get(reverse("supervision:history", args=[sup.pk])).content.decode()
    assert "Fel sektion" in body and "Sektion A2" in body
