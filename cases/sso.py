"""Municipal single sign-on: OpenID Connect (mozilla-django-oidc) and SAML 2.0 (djangosaml2).

Both are off until their environment variables are set (config/settings.py), so the classes
here read their settings lazily: Django instantiates every authentication backend for every
password login, and an unconfigured OIDC backend must not fail those. Both protocols hand the
person to cases.services.sso.sso_login_sync, which provisions the user and syncs memberships.
"""

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
import saml2
import saml2.xmldsig
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View
from djangosaml2 import views as saml_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from saml2.config import SPConfig

from cases.services.sso import SsoIdentity, sso_login_sync

logger = logging.getLogger(__name__)

SESSION_PROTOCOL = "sso_protocol"
SESSION_MFA = "sso_mfa"
SESSION_ID_TOKEN = "sso_oidc_id_token"  # noqa: S105 (a session key, not a secret)
SESSION_LOGOUT_ORIGIN = "sso_logout_origin"


def oidc_enabled() -> bool:
    return bool(
        getattr(settings, "OIDC_RP_CLIENT_ID", "")
        and getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    )


def saml_enabled() -> bool:
    return bool(
        (getattr(settings, "SAML_IDP_METADATA_URL", "") or settings.SAML_IDP_METADATA_FILE)
        and settings.SAML_SP_KEY_FILE
        and settings.SAML_SP_CERT_FILE
    )


def sso_mfa_satisfied(request) -> bool:
    """True when this session's SSO login was made with a second factor the IdP asserted (an
    accepted acr/amr value or SAML AuthnContextClassRef): the 2FA rule counts it as verified."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_MFA))


def _accepted(values: Any, accepted: list[str]) -> bool:
    if isinstance(values, str):
        values = [values]
    return bool(accepted) and any(str(v) in accepted for v in values or [])


def _claim_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _stash(request, protocol: str, mfa: bool, id_token: str = "") -> None:
    """Written to the session after login() (which may flush it), by the login view."""
    request.sso_login = {
        SESSION_PROTOCOL: protocol,
        SESSION_MFA: mfa,
        SESSION_ID_TOKEN: id_token,
    }


def _apply_stash(request) -> None:
    for key, value in getattr(request, "sso_login", {}).items():
        if value:
            request.session[key] = value


def sso_sync(request, identity: SsoIdentity):
    """The one door for both protocols: the user when they may enter, else None (and the
    refusal page is shown)."""
    if not identity.username:
        return None
    result = sso_login_sync(identity)
    if not result.has_access:
        request.sso_refused = True
        return None
    return result.user


# --- OpenID Connect ---------------------------------------------------------------------------


class OidcBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # Lazy: see the module docstring.
        self._ready = False

    def _setup(self) -> bool:
        if not self._ready and oidc_enabled():
            super().__init__()
            self._ready = True
        return self._ready

    def authenticate(self, request, **kwargs):
        if not self._setup():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            # A token that does not verify or an IdP that does not answer: the person sees
            # the Swedish failure page, the log says why.
            logger.warning("OIDC login refused: %s", exc)
            return None

    def get_user(self, user_id):
        return auth.get_user_model().objects.filter(pk=user_id).first()

    def _verify_jws(self, payload, key):
        # mozilla-django-oidc checks the signature but neither audience nor issuer: a token
        # the same IdP issued to another application must not log anyone in here.
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected ID token algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER or None,
                options={"require": ["exp", "iat", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from None

    def get_or_create_user(self, access_token, id_token, payload):
        # ID token claims first, the userinfo endpoint's fill in (Entra ID sends groups only
        # in the token, Keycloak can send them in either).
        claims = {**self.get_userinfo(access_token, id_token, payload), **payload}
        identity = SsoIdentity(
            username=str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150],
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
            email=str(claims.get("email") or "")[:254],
            groups=_claim_list(claims.get(settings.OIDC_GROUPS_CLAIM)),
        )
        user = sso_sync(self.request, identity)
        if user is not None:
            accepted = settings.OIDC_MFA_VALUES
            mfa = _accepted(payload.get("acr"), accepted) or _accepted(payload.get("amr"), accepted)
            _stash(self.request, "oidc", mfa, id_token)
        return user


class OidcLoginView(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        OIDCAuthenticationRequestView.__init__(self)
        return super().get(request)


class OidcCallbackView(OIDCAuthenticationCallbackView):
    @property
    def failure_url(self):
        if getattr(self.request, "sso_refused", False):
            return reverse("sso_refused")
        return reverse("sso_failed")

    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)

    def login_success(self):
        response = super().login_success()
        _apply_stash(self.request)
        if settings.OIDC_OP_END_SESSION_ENDPOINT:
            self.request.session[SESSION_LOGOUT_ORIGIN] = origin(
                settings.OIDC_OP_END_SESSION_ENDPOINT
            )
        return response


def oidc_logout_url(request) -> str:
    """RP-initiated logout: the OP's end_session_endpoint ends the IdP session too, then
    sends the browser back to our login page."""
    endpoint = settings.OIDC_OP_END_SESSION_ENDPOINT
    if not endpoint:
        return ""
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    id_token = request.session.get(SESSION_ID_TOKEN)
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


def idp_logout_url(request) -> str:
    """Where logout continues after the local session ends ('' for a password login)."""
    if request.session.get(SESSION_PROTOCOL) == "oidc" and oidc_enabled():
        return oidc_logout_url(request)
    return ""


def saml_logout(request):
    """SAML Single Logout: a signed LogoutRequest to the IdP (redirect binding); the IdP's
    answer comes back to saml2_ls. The local session ends here in any case. None for a session
    that did not log in with SAML."""
    if request.session.get(SESSION_PROTOCOL) != "saml" or not saml_enabled():
        return None
    view = saml_views.LogoutInitView()
    view.setup(request)
    response = view.get(request)
    if response.status_code >= 400:  # the IdP session is unknown or gone: local logout stands
        return HttpResponseRedirect(reverse("login"))
    return response


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class SsoCspMiddleware:
    """In an SSO session every page carries the logout form, whose POST is redirected on to the
    IdP's logout endpoint; browsers apply the page's form-action to that redirect, so the
    IdP's origin is allowed there (and only for these sessions). Placed after CSPMiddleware,
    so it marks the response before the header is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        allowed = session.get(SESSION_LOGOUT_ORIGIN, "") if session is not None else ""
        response = self.get_response(request)
        if allowed:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), allowed]
            response._csp_update = update
        return response


# --- SAML 2.0 -----------------------------------------------------------------------------------


def saml_config(request=None) -> SPConfig:
    """The SP configuration (djangosaml2's SAML_CONFIG_LOADER), from settings; the SAML
    routes answer 404 while SAML is not configured."""
    if not saml_enabled():
        raise Http404
    base = request.build_absolute_uri("/").rstrip("/") if request else settings.SITE_URL

    def url(name: str) -> str:
        return base + reverse(name)

    if settings.SAML_IDP_METADATA_FILE:
        metadata: dict = {"local": [settings.SAML_IDP_METADATA_FILE]}
    else:
        metadata = {"remote": [{"url": settings.SAML_IDP_METADATA_URL}]}
    keypair = {"key_file": settings.SAML_SP_KEY_FILE, "cert_file": settings.SAML_SP_CERT_FILE}
    conf = SPConfig()
    conf.load(
        {
            "xmlsec_binary": settings.SAML_XMLSEC_BINARY,
            "entityid": settings.SAML_SP_ENTITY_ID or url("saml2_metadata"),
            "allow_unknown_attributes": True,
            "service": {
                "sp": {
                    "name": "Avvika",
                    "endpoints": {
                        "assertion_consumer_service": [(url("saml2_acs"), saml2.BINDING_HTTP_POST)],
                        "single_logout_service": [
                            (url("saml2_ls"), saml2.BINDING_HTTP_REDIRECT),
                            (url("saml2_ls_post"), saml2.BINDING_HTTP_POST),
                        ],
                    },
                    "authn_requests_signed": True,
                    "logout_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "allow_unsolicited": False,
                    "signing_algorithm": saml2.xmldsig.SIG_RSA_SHA256,
                    "digest_algorithm": saml2.xmldsig.DIGEST_SHA256,
                }
            },
            "metadata": metadata,
            **keypair,
            "encryption_keypairs": [keypair],
        }
    )
    return conf


def _first(attributes: dict, name: str) -> str:
    values = attributes.get(name) or []
    return str(values[0]).strip() if values else ""


class SamlBackend(BaseBackend):
    """Called by djangosaml2's ACS view with the verified assertion (session_info)."""

    def authenticate(self, request, session_info=None, **kwargs):
        if request is None or not session_info or not saml_enabled():
            return None
        ava = session_info.get("ava") or {}
        name_id = session_info.get("name_id")
        username = (
            _first(ava, settings.SAML_USERNAME_ATTRIBUTE)
            if settings.SAML_USERNAME_ATTRIBUTE
            else str(getattr(name_id, "text", "") or "").strip()
        )
        identity = SsoIdentity(
            username=username[:150],
            first_name=_first(ava, settings.SAML_FIRST_NAME_ATTRIBUTE)[:150],
            last_name=_first(ava, settings.SAML_LAST_NAME_ATTRIBUTE)[:150],
            email=_first(ava, settings.SAML_EMAIL_ATTRIBUTE)[:254],
            groups=_claim_list(ava.get(settings.SAML_GROUPS_ATTRIBUTE)),
        )
        user = sso_sync(request, identity)
        if user is not None:
            refs = [info[0] for info in session_info.get("authn_info") or [] if info]
            _stash(request, "saml", _accepted(refs, settings.SAML_MFA_VALUES))
        return user

    def get_user(self, user_id):
        return auth.get_user_model().objects.filter(pk=user_id).first()


class SamlLoginView(saml_views.LoginView):
    def get(self, request, *args, **kwargs):
        if not saml_enabled():  # before the "already logged in" shortcut: unconfigured is 404
            raise Http404
        return super().get(request, *args, **kwargs)


class SamlAcsView(saml_views.AssertionConsumerServiceView):
    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        refused = getattr(request, "sso_refused", False)
        return HttpResponseRedirect(reverse("sso_refused" if refused else "sso_failed"))

    def customize_session(self, user, session_info: dict):
        _apply_stash(self.request)
        self.request.session[SESSION_LOGOUT_ORIGIN] = self._idp_slo_origin(session_info)

    def _idp_slo_origin(self, session_info: dict) -> str:
        conf = self.get_sp_config(self.request)
        services = conf.metadata.single_logout_service(
            session_info.get("issuer"), saml2.BINDING_HTTP_REDIRECT, "idpsso"
        )
        return origin(services[0]["location"]) if services else ""


# --- Pages --------------------------------------------------------------------------------------


class SsoRefusedView(View):
    """The IdP knew the person, but none of their groups gives a role in Avvika."""

    def get(self, request):
        return render(
            request,
            "registration/sso_refused.html",
            {"contact": settings.SSO_SUPPORT_CONTACT},
            status=403,
        )


class SsoFailedView(View):
    """The IdP answered with an error or the answer did not verify."""

    def get(self, request):
        return render(
            request,
            "registration/sso_failed.html",
            {"contact": settings.SSO_SUPPORT_CONTACT},
            status=400,
        )
