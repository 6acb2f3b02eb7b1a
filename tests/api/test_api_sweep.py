"""The permission sweep for /api/v1/ (the web sweep skips the api namespaces and points here).

For every role of the org fixture an integration account holds exactly that person's
membership. Its key must see exactly what the person sees on the web pages: the same cases in
the list, 200/404 on each case's API detail as on the web's case page, the same statistics
answer; an invisible case is 404, a revoked or wrong key 401, a key without the write right
403 with nothing changed; and every read of case data leaves an access-log row naming the
integration.
"""

import pytest
from django.urls import reverse

from cases.models import AccessLog, Case, Code, Membership, Unit
from cases.services.integrations import integration_account_revoke

pytestmark = pytest.mark.django_db

ROLES = ("chef_a1", "chef_a", "chef_b1", "staff_a1", "investigator", "au", "quality", "admin")
AUTH = "HTTP_AUTHORIZATION"
# What the web shows each role of the four cases (A1: complaint, deviation, lex Sarah; B1:
# deviation): written out, so a change in either the web or the API rule is seen here.
SEES = {
    "chef_a1": {"complaint", "deviation", "lexsarah"},
    "chef_a": {"complaint", "deviation", "lexsarah"},
    "chef_b1": {"b1"},
    "staff_a1": set(),
    "investigator": set(),
    "au": {"lexsarah"},
    "quality": {"complaint", "deviation", "lexsarah", "b1"},
    "admin": set(),
}


def _twin(org, make_account, person: str):
    """An integration account with the person's memberships, role for role."""
    grants = [
        (m.role, next(k for k, u in org.units.items() if u.pk == m.unit_id))
        for m in Membership.objects.active().filter(user=org.users[person])
    ]
    return make_account(f"Tvilling {person}", *grants)


def _get(client, key, path, **params):
    return client.get(path, params, **{AUTH: f"Bearer {key}"})


@pytest.mark.parametrize("person", ROLES)
def test_a_key_sees_what_the_same_membership_sees_on_the_web(
    person, org, make_account, cases_a1, client, login
):
    account, key = _twin(org, make_account, person)
    api = client.__class__()
    web = login(org.users[person])
    everything = list(cases_a1.values())

    # Details: the web's case page and the API answer alike, case by case.
    web_visible = set()
    for case in everything:
        page = web.get(reverse("cases:detail", args=[case.reference]))
        assert page.status_code in (200, 404), (person, case.reference, page.status_code)
        if page.status_code == 200:
            web_visible.add(case.reference)
        logged = AccessLog.objects.filter(user=account.user, case=case).count()
        detail = _get(api, key, f"/api/v1/cases/{case.reference}/")
        assert detail.status_code == page.status_code, (person, case.reference)
        if detail.status_code == 200:
            assert detail.json()["reference"] == case.reference
            assert AccessLog.objects.filter(user=account.user, case=case).count() == logged + 1
        else:
            assert detail["Content-Type"] == "application/problem+json"
            assert AccessLog.objects.filter(user=account.user, case=case).count() == logged

    # The list: exactly the cases the person's pages show, each read logged as the integration.
    before = AccessLog.objects.filter(user=account.user).count()
    listed = _get(api, key, "/api/v1/cases/")
    assert listed.status_code == 200
    refs = {c["reference"] for c in listed.json()["results"]}
    assert refs == web_visible == {cases_a1[k].reference for k in SEES[person]}, person
    assert AccessLog.objects.filter(user=account.user).count() == before + len(refs)
    assert all(
        row.detail == f"API-lista (Tvilling {person})"
        for row in AccessLog.objects.filter(user=account.user).order_by("-id")[: len(refs)]
    )

    # Statistics: the same answer as the statistics page (200 in scope, 403 without the role,
    # a refused unit outside the scope).
    for unit in ("ASF", "A1", "B1"):
        params = {"unit": org.units[unit].pk, "year": 2026, "period_start_month": 1}
        page = web.get(reverse("reports:statistics"), params)
        answer = _get(api, key, "/api/v1/statistics/", **params)
        assert answer.status_code == page.status_code, (person, unit)


def test_invisible_is_404_and_missing_is_the_same_404(org, make_account, cases_a1, client):
    _account, key = _twin(org, make_account, "chef_b1")
    hidden = _get(client, key, f"/api/v1/cases/{cases_a1['deviation'].reference}/")
    missing = _get(client, key, "/api/v1/cases/AV-1999-99999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_web_session_is_no_key(org, cases_a1, login):
    """The API takes keys only: a logged-in person's session cookie gets 401, not their cases."""
    response = login(org.users["quality"]).get("/api/v1/cases/")
    assert response.status_code == 401 and "results" not in response.json()


def test_wrong_revoked_and_missing_keys_are_401_everywhere(org, make_account, client):
    account, key = _twin(org, make_account, "quality")
    integration_account_revoke(account=account, actor=org.users["admin"], reason="Test")
    paths = ["/api/v1/cases/", "/api/v1/units/", "/api/v1/codes/", "/api/v1/statistics/"]
    for path in paths:
        for header in ({AUTH: f"Bearer {key}"}, {AUTH: "Bearer avk_00000000_fel"}, {}):
            response = client.get(path, **header)
            assert response.status_code == 401, (path, header)
            assert response["WWW-Authenticate"].startswith("Bearer")
    writes = [
        ("post", "/api/v1/deviations/", {"unit": org.units["A1"].pk, "description": "x"}),
        ("post", "/api/v1/codes/", {"codelist": "channel", "code": "sms", "label": "SMS"}),
    ]
    for method, path, body in writes:
        response = getattr(client, method)(
            path, body, content_type="application/json", **{AUTH: f"Bearer {key}"}
        )
        assert response.status_code == 401


@pytest.mark.parametrize("person", [p for p in ROLES if p != "admin"])
def test_register_writes_need_the_administrator_role(person, org, make_account, client):
    _account, key = _twin(org, make_account, person)
    a1 = org.units["A1"]
    code = Code.objects.filter(codelist="channel").first()
    attempts = [
        ("post", "/api/v1/units/", {"code": "X1", "name": "X", "kind": "sektion", "parent": a1.pk}),
        ("patch", f"/api/v1/units/{a1.pk}/", {"name": "Omdöpt"}),
        ("post", "/api/v1/codes/", {"codelist": "channel", "code": "sms", "label": "SMS"}),
        ("patch", f"/api/v1/codes/{code.pk}/", {"label": "Omdöpt"}),
    ]
    units, codes = list(Unit.objects.values()), list(Code.objects.values())
    for method, path, body in attempts:
        response = getattr(client, method)(
            path, body, content_type="application/json", **{AUTH: f"Bearer {key}"}
        )
        assert response.status_code == 403, (person, method, path)
        assert response["Content-Type"] == "application/problem+json"
    assert list(Unit.objects.values()) == units and list(Code.objects.values()) == codes


def test_a_key_without_a_role_may_not_report(org, make_account, client):
    _account, key = make_account("Utan roll")
    response = client.post(
        "/api/v1/deviations/",
        {"unit": org.units["A1"].pk, "description": "x"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **{AUTH: f"Bearer {key}"},
    )
    assert response.status_code == 403
    assert not Case.objects.exists()
