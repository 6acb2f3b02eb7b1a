"""SAML 2.0 login in headless Chromium against a real pysaml2 IdP on 127.0.0.1
(tests/sso/saml_idp.py): signed AuthnRequest, signed response and assertion verified with
xmlsec1, the IdP's auto-posted response, Single Logout both ways. Issue 15, "Must show"."""

import pytest
from django.contrib.auth.models import User

from cases.models import Membership, MembershipSource, Role, TwoFactorPolicy
from tests.factories import member
from tests.sso.fixtures import IDP_PASSWORD, saml_account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def saml_login(page, idp, username: str, *, expect_form: bool = True):
    page.goto(f"{idp.sp_url}/logga-in/")
    page.get_by_role("link", name="Logga in med kommunens konto").click()
    if expect_form:
        page.wait_for_selector("#idp-login")
        page.fill("#idp-login", username)
        page.fill("#idp-password", IDP_PASSWORD)
        page.click("#idp-submit")
    page.wait_for_url(lambda url: url.startswith(idp.sp_url) and "/sso/saml/" not in url)
    return page


def active(user, source=None):
    rows = Membership.objects.active().filter(user=user)
    if source:
        rows = rows.filter(source=source)
    return set(rows.values_list("role", "unit__code"))


def test_first_login_provisions_second_login_follows_groups_logout_ends_both(
    org, mappings, saml_idp, page, screenshot
):
    saml_idp.accounts["greta.saml"] = saml_account(
        ["avvika-chefer-a1"], given_name="Greta", surname="Berg", mail="greta@kommun.example"
    )
    saml_login(page, saml_idp, "greta.saml")
    assert page.url == f"{saml_idp.sp_url}/"
    assert page.locator("h1").inner_text().startswith("Välkommen")
    greta = User.objects.get(username="greta.saml")
    assert (greta.first_name, greta.last_name, greta.email) == (
        "Greta",
        "Berg",
        "greta@kommun.example",
    )
    assert active(greta) == {(Role.SEKTIONSCHEF, "A1")}
    created = Membership.history.get(user=greta, history_type="+")
    assert "avvika-chefer-a1" in created.history_change_reason
    screenshot("sso-saml-first-login")

    # Single Logout: a signed LogoutRequest ends the IdP session, its LogoutResponse comes
    # back to the SLS and ends ours.
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(f"{saml_idp.sp_url}/logga-in/")
    assert saml_idp.ended == 1
    assert not saml_idp.sessions
    page.goto(f"{saml_idp.sp_url}/")
    assert "/logga-in/" in page.url

    member(greta, org.units["B1"], Role.MEDARBETARE)
    saml_idp.accounts["greta.saml"].groups = ["avvika-kvalitet"]
    saml_login(page, saml_idp, "greta.saml", expect_form=True)  # the IdP asks again
    assert saml_idp.logins == 2
    assert active(greta, MembershipSource.SSO) == {(Role.KVALITETSSTRATEG, "ASF")}
    assert active(greta) == {(Role.KVALITETSSTRATEG, "ASF"), (Role.MEDARBETARE, "B1")}
    ended = Membership.history.filter(user=greta, role=Role.SEKTIONSCHEF, history_type="~")
    assert ended.count() == 1


def test_unmapped_user_is_refused_with_a_swedish_page_and_no_session(org, mappings, saml_idp, page):
    saml_idp.accounts["harald.saml"] = saml_account(["okand-grupp"])
    saml_login(page, saml_idp, "harald.saml")
    assert page.url == f"{saml_idp.sp_url}/sso/ingen-behorighet/"
    assert page.locator("h1").inner_text() == "Ditt konto har ingen behörighet i Avvika"
    assert not User.objects.filter(username="harald.saml").exists()
    page.goto(f"{saml_idp.sp_url}/")
    assert "/logga-in/" in page.url


@pytest.mark.parametrize(("mfa", "lands_on"), [(True, "/"), (False, "/tvafaktor/")])
def test_authn_context_with_second_factor_counts_as_two_factor(
    org, mappings, saml_idp, page, mfa, lands_on
):
    TwoFactorPolicy.objects.update_or_create(role=Role.SEKTIONSCHEF, defaults={"required": True})
    saml_idp.accounts["ingrid.saml"] = saml_account(["avvika-chefer-a1"], mfa=mfa)
    saml_login(page, saml_idp, "ingrid.saml")
    assert page.url.split("?")[0] == f"{saml_idp.sp_url}{lands_on}"


def test_tampered_response_is_refused(org, mappings, saml_idp, page):
    """The signature is really checked: an assertion changed in the browser is refused."""
    saml_idp.accounts["jonas.saml"] = saml_account(["avvika-chefer-a1"])

    def tamper(route):
        import base64
        from urllib.parse import parse_qs, urlencode

        form = {k: v[0] for k, v in parse_qs(route.request.post_data).items()}
        xml = base64.b64decode(form["SAMLResponse"]).decode()
        form["SAMLResponse"] = base64.b64encode(
            xml.replace("avvika-chefer-a1", "avvika-kvalitet").encode()
        ).decode()
        route.continue_(post_data=urlencode(form))

    page.route("**/sso/saml/acs/", tamper)
    saml_login(page, saml_idp, "jonas.saml")
    assert page.url == f"{saml_idp.sp_url}/sso/misslyckades/"
    assert not User.objects.filter(username="jonas.saml").exists()
