"""Fixtures for single sign-on: a real OIDC provider on 127.0.0.1, the settings that point
Avvika at it, and the group mapping table filled through its service."""

import pytest
import requests

from cases.models import Role
from cases.services.sso import group_mapping_create
from tests.factories import UserFactory
from tests.sso.oidc_provider import Account, OidcProvider
from tests.sso.saml_idp import MFA_CLASS_REF, SamlAccount, SamlIdp, make_keypair

CLIENT_ID = "avvika-test"
CLIENT_SECRET = "hemlig-klientnyckel-for-test"  # noqa: S105 (a test IdP's client secret)
IDP_PASSWORD = "idp-losenord-123"  # noqa: S105


@pytest.fixture
def mappings(org):
    admin = UserFactory(username="systemadmin", is_staff=True)
    reason = "Gruppkoppling för test"
    return {
        "chefer_a1": group_mapping_create(
            group="avvika-chefer-a1",
            role=Role.SEKTIONSCHEF,
            unit=org.units["A1"],
            actor=admin,
            reason=reason,
        ),
        "kvalitet": group_mapping_create(
            group="avvika-kvalitet",
            role=Role.KVALITETSSTRATEG,
            unit=org.units["ASF"],
            actor=admin,
            reason=reason,
        ),
    }


@pytest.fixture
def oidc_provider(live_server, settings):
    op = OidcProvider(CLIENT_ID, CLIENT_SECRET, [f"{live_server.url}/sso/oidc/callback/"])
    op.post_logout_uris.append(f"{live_server.url}/logga-in/")
    op.start()
    # Configured the way docs/security.md tells an administrator: from the discovery document.
    found = requests.get(f"{op.issuer}/.well-known/openid-configuration", timeout=5).json()
    settings.OIDC_OP_ISSUER = found["issuer"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
    settings.OIDC_OP_END_SESSION_ENDPOINT = found["end_session_endpoint"]
    settings.OIDC_MFA_VALUES = ["mfa", "urn:avvika:test:loa3"]
    yield op
    op.stop()


def idp_account(groups, **extra) -> Account:
    return Account(password=IDP_PASSWORD, groups=list(groups), **extra)


@pytest.fixture
def saml_idp(live_server, settings, tmp_path):
    """A pysaml2 IdP on 127.0.0.1 and Avvika configured as its SP. The browser must use
    127.0.0.1 for Avvika too: the IdP's POST to the ACS is then same-site, so the SAML session
    cookie (SameSite=Lax on plain HTTP) travels with it, as SameSite=None does on HTTPS."""
    idp = SamlIdp(tmp_path).start()
    sp_key, sp_cert = make_keypair(tmp_path, "sp")
    settings.SAML_IDP_METADATA_FILE = str(idp.metadata_file)
    settings.SAML_SP_KEY_FILE, settings.SAML_SP_CERT_FILE = sp_key, sp_cert
    settings.SAML_USERNAME_ATTRIBUTE = "uid"
    settings.SAML_MFA_VALUES = [MFA_CLASS_REF]
    idp.sp_url = live_server.url.replace("localhost", "127.0.0.1")
    # The IdP trusts the SP through the metadata Avvika serves (docs/security.md).
    metadata = requests.get(f"{idp.sp_url}/sso/saml/metadata/", timeout=10)
    assert metadata.status_code == 200, metadata.text
    idp.trust_sp(metadata.text)
    yield idp
    idp.stop()


def saml_account(groups, **extra) -> SamlAccount:
    return SamlAccount(password=IDP_PASSWORD, groups=list(groups), **extra)
