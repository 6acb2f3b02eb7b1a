"""OpenID Connect login in headless Chromium against a real provider on 127.0.0.1
(tests/sso/oidc_provider.py): signed ID tokens, PKCE, JWKS, real redirects, RP-initiated
logout. Issue 15, "Must show"."""

import pytest
from django.contrib.auth.models import User

from cases.models import Membership, MembershipSource, Role, TwoFactorPolicy
from tests.factories import member
from tests.sso.fixtures import IDP_PASSWORD, idp_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sso_login(page, username: str, *, expect_form: bool = True):
    page.goto("/logga-in/")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    if expect_form:
        page.wait_for_selector("#op-login")
        page.fill("#op-login", username)
        page.fill("#op-password", IDP_PASSWORD)
        page.click("#op-submit")
    page.wait_for_load_state()
    return page


def active(user, source=None):
    rows = Membership.objects.active().filter(user=user)
    if source:
        rows = rows.filter(source=source)
    return set(rows.values_list("role", "unit__code"))


def test_first_login_provisions_second_login_follows_groups_logout_ends_both(
    org, mappings, oidc_provider, page, live_server, screenshot
):
    oidc_provider.accounts["anna.sso"] = idp_account(
        ["avvika-chefer-a1", "en-grupp-utan-koppling"],
        given_name="Anna",
        family_name="Lind",
        email="anna.lind@kommun.example",
    )

    # First login: the user is created just in time with the mapped role.
    sso_login(page, "anna.sso")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text().startswith("Välkommen")
    anna = User.objects.get(username="anna.sso")
    assert (anna.first_name, anna.last_name, anna.email) == (
        "Anna",
        "Lind",
        "anna.lind@kommun.example",
    )
    assert not anna.has_usable_password()
    assert active(anna) == {(Role.SEKTIONSCHEF, "A1")}
    created = Membership.history.get(user=anna, role=Role.SEKTIONSCHEF, history_type="+")
    assert "avvika-chefer-a1" in created.history_change_reason
    screenshot("sso-oidc-first-login")

    # Logout ends the Avvika session and, through end_session_endpoint, the IdP session.
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{live_server.url}/logga-in/")
    assert oidc_provider.ended == 1
    assert not oidc_provider.sessions
    page.goto("/")
    assert "/logga-in/" in page.url  # the SP session is gone

    # A hand-made membership meanwhile; then the IdP moves Anna to the quality group.
    member(anna, org.units["B1"], Role.MEDARBETARE)
    oidc_provider.accounts["anna.sso"].groups = ["avvika-kvalitet"]

    # The IdP asks for the password again: its session really ended.
    sso_login(page, "anna.sso", expect_form=True)
    page.wait_for_url(f"{live_server.url}/")
    assert oidc_provider.logins == 2
    assert active(anna, MembershipSource.SSO) == {(Role.KVALITETSSTRATEG, "ASF")}
    assert active(anna) == {(Role.KVALITETSSTRATEG, "ASF"), (Role.MEDARBETARE, "B1")}
    ended = Membership.history.filter(user=anna, role=Role.SEKTIONSCHEF, history_type="~")
    assert ended.count() == 1
    assert ended.get().valid_to is not None
    assert "grupper" in ended.get().history_change_reason


def test_unmapped_user_is_refused_with_a_swedish_page_and_no_session(
    org, mappings, oidc_provider, page, live_server, screenshot
):
    oidc_provider.accounts["bertil.sso"] = idp_account(["helt-annan-grupp"])
    sso_login(page, "bertil.sso")
    page.wait_for_url(f"{live_server.url}/sso/ingen-behorighet/")
    assert page.locator("h1").inner_text() == "Ditt konto har ingen behörighet i Avvika"
    assert "Kontakta" in page.locator("main").inner_text()
    screenshot("sso-oidc-refused")
    assert not User.objects.filter(username="bertil.sso").exists()
    page.goto("/")
    assert "/logga-in/" in page.url


def test_known_user_whose_groups_left_loses_sso_roles_and_is_refused(
    org, mappings, oidc_provider, page, live_server
):
    oidc_provider.accounts["cecilia.sso"] = idp_account(["avvika-chefer-a1"])
    sso_login(page, "cecilia.sso")
    page.wait_for_url(f"{live_server.url}/")
    cecilia = User.objects.get(username="cecilia.sso")
    page.context.clear_cookies()

    oidc_provider.accounts["cecilia.sso"].groups = []
    sso_login(page, "cecilia.sso")
    page.wait_for_url(f"{live_server.url}/sso/ingen-behorighet/")
    assert active(cecilia) == set()
    page.goto("/")
    assert "/logga-in/" in page.url


@pytest.mark.parametrize(("acr", "lands_on"), [("mfa", "/"), ("", "/tvafaktor/")])
def test_idp_asserted_second_factor_counts_as_two_factor(
    org, mappings, oidc_provider, page, live_server, acr, lands_on
):
    TwoFactorPolicy.objects.update_or_create(role=Role.SEKTIONSCHEF, defaults={"required": True})
    oidc_provider.accounts["david.sso"] = idp_account(["avvika-chefer-a1"], acr=acr)
    sso_login(page, "david.sso")
    page.wait_for_url(lambda url: "/sso/" not in url and "127.0.0.1" not in url)
    assert page.url.split("?")[0] == f"{live_server.url}{lands_on}"
    page.goto("/inkorg/")
    assert page.url.startswith(f"{live_server.url}/inkorg/") == (acr == "mfa")


def test_id_token_issued_to_another_application_is_refused(
    org, mappings, oidc_provider, page, live_server
):
    """mozilla-django-oidc checks the signature only; Avvika also checks aud and iss."""
    oidc_provider.accounts["erik.sso"] = idp_account(["avvika-chefer-a1"])
    oidc_provider.audience = "en-annan-app"
    sso_login(page, "erik.sso")
    page.wait_for_url(f"{live_server.url}/sso/misslyckades/")
    assert "misslyckades" in page.locator("h1").inner_text()
    assert not User.objects.filter(username="erik.sso").exists()


def test_login_page_offers_sso_only_when_configured(org, page, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    page.goto("/logga-in/")
    assert page.get_by_role("link", name="Logga in med kommunens konto").count() == 0
    assert page.goto("/sso/oidc/logga-in/").status == 404
