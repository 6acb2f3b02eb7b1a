"""Access log, loggkontroll, login lockout and the anonymous boundary."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import AccessLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_reading_a_case_writes_an_access_log_row(org, login):
    case = make_case(org.units["A1"])
    login(org.users["chef_a1"]).get(case.get_absolute_url())
    row = AccessLog.objects.get(case=case)
    assert (row.user, row.action, row.unit_id, row.case_reference) == (
        org.users["chef_a1"],
        "read",
        case.unit_id,
        case.reference,
    )


def test_loggkontroll_shows_reads_only_to_the_right_chef(org, login, client):
    case_a1 = make_case(org.units["A1"], title="A1-ärende")
    case_b1 = make_case(org.units["B1"], title="B1-ärende")
    quality = org.users["quality"]
    login(quality).get(case_a1.get_absolute_url())
    login(quality).get(case_b1.get_absolute_url())

    page = login(org.users["chef_a1"]).get(reverse("cases:accesslog")).content.decode()
    assert case_a1.reference in page and case_b1.reference not in page

    page = login(org.users["chef_b1"]).get(reverse("cases:accesslog")).content.decode()
    assert case_b1.reference in page and case_a1.reference not in page

    # Staff and the AU do not review the log.
    assert login(org.users["staff_a1"]).get(reverse("cases:accesslog")).status_code == 403
    assert login(org.users["au"]).get(reverse("cases:accesslog")).status_code == 403


def test_login_lockout_after_repeated_failures(org, client, settings):
    user = org.users["chef_a1"]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/logga-in/", {"username": user.username, "password": "fel"})
        assert response.status_code == 200
        assert "Fel användarnamn eller lösenord" in response.content.decode()
    # The limit-th failure locks the account; after that even the right password is refused.
    assert (
        client.post("/logga-in/", {"username": user.username, "password": "fel"}).status_code == 429
    )
    response = client.post(
        "/logga-in/", {"username": user.username, "password": "Testlosenord-123"}
    )
    assert response.status_code == 429
    assert "För många misslyckade försök" in response.content.decode()
    call_command("axes_reset")
    response = client.post(
        "/logga-in/", {"username": user.username, "password": "Testlosenord-123"}
    )
    assert response.status_code == 302


def test_anonymous_user_reaches_only_login(org, client):
    case = make_case(org.units["A1"])
    for url in [
        "/",
        case.get_absolute_url(),
        f"/arenden/{case.reference}/historik/",
        reverse("cases:accesslog"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/logga-in/")
    assert client.get("/logga-in/").status_code == 200


def test_swedish_error_pages(org, login):
    response = login(org.users["chef_a1"]).get("/arenden/AV-1999-9999/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()
