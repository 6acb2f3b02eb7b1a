"""The smaller findings of issue 15 (Found 7 / Deliver 8): no-store on staff pages, a refused
public body never echoed in full, an IP-wide login throttle beside axes, a rate limit on the
sender's additions. (Four eyes on an edition: tests/reports/test_editions.py; the "Ansvarig"
list: tests/cases/test_workflow_matrix.py.)"""

import pytest
from django.test import Client

from cases.complaints.models import ComplaintAddition
from cases.complaints.services import complaint_submit_public
from cases.models import Case

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.mark.parametrize("url", ["/", "/inkorg/", "/avvikelser/ny/", "/riskanalyser/", "/nope/"])
def test_every_authenticated_answer_says_no_store(org, login, url):
    response = login(org.users["chef_a1"]).get(url)
    assert response.status_code in (200, 404), url
    assert "no-store" in response["Cache-Control"], url
    assert "private" in response["Cache-Control"], url


def test_case_page_says_no_store(org, login):
    from tests.factories import make_case

    case = make_case(org.units["A1"])
    response = login(org.users["chef_a1"]).get(case.get_absolute_url())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_a_refused_10_mb_public_submission_is_not_echoed(org, client):
    huge = "Början av texten. " + "x" * (10 * 1024 * 1024)
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "description": huge,
        "sender_category": "brukare",
        "anonymous": "nej",
        "sender_name": "Anna Andersson",
        "sender_email": "anna@example.se",
        "website": "",
    }
    response = client.post("/e-tjanst/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert len(response.content) < 200_000, len(response.content)
    assert "för lång" in html
    assert "Början av texten." in html and 'value="anna@example.se"' in html  # kept, cut
    assert not Case.objects.exists()


def test_a_refused_huge_receipt_code_is_not_echoed(client):
    response = client.post("/e-tjanst/kvitto/", {"code": "A" * 5_000_000})
    assert response.status_code == 400
    assert len(response.content) < 100_000


def _fail_login(client, username):
    return client.post("/logga-in/", {"username": username, "password": "fel-losenord-123"})


def test_login_is_throttled_per_address_across_usernames(org, settings):
    settings.LOGIN_IP_FAIL_LIMIT = 6
    user = org.users["chef_a1"]
    user.set_password("ett-riktigt-bra-losenord-1")
    user.save()
    sprayer = Client(REMOTE_ADDR="10.20.30.40")
    # Six different usernames: axes' per-(username, address) lockout never triggers.
    for n in range(6):
        assert _fail_login(sprayer, f"gissning{n}").status_code == 200
    blocked = sprayer.post(
        "/logga-in/", {"username": "chef_a1", "password": "ett-riktigt-bra-losenord-1"}
    )
    assert blocked.status_code == 429
    body = blocked.content.decode()
    assert "För många misslyckade inloggningar från din adress" in body
    assert 'value="chef_a1"' in body  # what was typed stays
    assert "_auth_user_id" not in sprayer.session
    # A colleague at another address logs in as usual.
    other = Client(REMOTE_ADDR="10.20.30.41")
    ok = other.post("/logga-in/", {"username": "chef_a1", "password": "ett-riktigt-bra-losenord-1"})
    assert ok.status_code == 302 and "_auth_user_id" in other.session


def test_additions_by_receipt_code_are_rate_limited(org, settings):
    from cases.complaints import public_views

    submission = complaint_submit_public(
        unit=org.units["A1"], complaint_type="klagomal", description="Jag blev illa bemött."
    )
    limit = public_views.ADDITION_LIMIT
    sender = Client(REMOTE_ADDR="10.5.5.5")
    assert sender.post("/e-tjanst/kvitto/", {"code": submission.receipt_code}).status_code == 302
    for n in range(limit):
        response = sender.post("/e-tjanst/kvitto/arende/", {"text": f"Tillägg {n}"})
        assert response.status_code == 302, n
    flooded = sender.post("/e-tjanst/kvitto/arende/", {"text": "Ett tillägg för mycket"})
    assert flooded.status_code == 429
    body = flooded.content.decode()
    assert "många gånger på kort tid" in body and "Ett tillägg för mycket" in body
    assert ComplaintAddition.objects.filter(complaint=submission.complaint).count() == limit
    # The limit follows the complaint, not the address or the session.
    again = Client(REMOTE_ADDR="10.5.5.6")
    again.post("/e-tjanst/kvitto/", {"code": submission.receipt_code})
    assert again.post("/e-tjanst/kvitto/arende/", {"text": "Från annan adress"}).status_code == 429
    # Another sender's complaint is not affected.
    other = complaint_submit_public(
        unit=org.units["A1"], complaint_type="klagomal", description="Något annat."
    )
    fresh = Client(REMOTE_ADDR="10.5.5.5")
    fresh.post("/e-tjanst/kvitto/", {"code": other.receipt_code})
    assert fresh.post("/e-tjanst/kvitto/arende/", {"text": "Mitt tillägg"}).status_code == 302
