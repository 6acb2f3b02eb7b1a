"""Two-factor login for local accounts (issues 10 and 15).

Who is asked for a code:
- everyone who has enrolled an authenticator app, whatever their role (a voluntary enrolment
  that is never asked for would protect nothing);
- when `AVVIKA_REQUIRE_2FA` is on (the default with DEBUG=0): every holder of a role that
  handles case content (REQUIRED_ROLES) and every staff or superuser account;
- the holders of a role an administrator requires in TwoFactorPolicy, always.
A login through SSO whose IdP asserted multi-factor sets `sso_mfa` in the session
(`mark_sso_mfa`), and counts as verified.
"""

import base64
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Membership, Role, TwoFactorPolicy
from cases.services import ServiceError
from cases.services.accounts import (
    recovery_codes_regenerate,
    totp_enrol_confirm,
    totp_enrol_start,
    two_factor_verify,
)
from cases.sso import sso_mfa_satisfied

EXEMPT_PREFIXES = ("/tvafaktor/", "/logga-ut/", "/static/", "/health/", "/e-tjanst/", "/sso/")
# The registrator reads incoming complaints before routing them (issue 18): case content too.
REQUIRED_ROLES = (
    Role.SEKTIONSCHEF,
    Role.ARBETSUTSKOTT,
    Role.UTREDARE,
    Role.KVALITETSSTRATEG,
    Role.REGISTRATOR,
)
SSO_MFA_SESSION_KEY = "sso_mfa"


def mark_sso_mfa(request) -> None:
    """The SSO login calls this when the IdP asserted multi-factor (acr/amr, AuthnContext)."""
    request.session[SSO_MFA_SESSION_KEY] = True


def is_verified(request) -> bool:
    return (
        request.user.is_verified()
        or bool(request.session.get(SSO_MFA_SESSION_KEY))
        or sso_mfa_satisfied(request)
    )


def demo_relaxed() -> bool:
    """The demo says on its login and two-factor pages that nobody is asked for a code."""
    return settings.DEBUG and not settings.AVVIKA_REQUIRE_2FA


def two_factor_required(user) -> bool:
    """One query: an enrolled app, a role (or staff flag) the policy covers, or a policy row."""
    roles = Membership.objects.active().filter(user=OuterRef("pk"))
    by_setting = Q(pk__in=[])
    if settings.AVVIKA_REQUIRE_2FA:
        by_setting = (
            Q(is_staff=True) | Q(is_superuser=True) | Exists(roles.filter(role__in=REQUIRED_ROLES))
        )
    policy = TwoFactorPolicy.objects.filter(
        required=True, role__in=Membership.objects.active().filter(user=user).values("role")
    )
    enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Exists(enrolled) | by_setting | Exists(policy))
        .exists()
    )


class TwoFactorMiddleware:
    """After OTPMiddleware: a user who must give a code reaches nothing else until they have."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not is_verified(request)
            and two_factor_required(user)
        ):
            return redirect(f"/tvafaktor/?next={quote(request.path, safe='/')}")
        return self.get_response(request)


# never_cache: the answers carry a key or recovery codes, which no browser cache may keep.
@method_decorator([never_cache, login_required], name="dispatch")
class TwoFactorView(View):
    """GET only shows; every change (a new key, a confirmation, new recovery codes) is a POST.
    The key is shown once, in the answer to the POST that made it, and never again."""

    template_name = "registration/two_factor.html"

    def _render(self, request, status: int = 200, **ctx):
        enrolled = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
        base = {
            "enrolled": enrolled,
            "verified": is_verified(request),
            "required": two_factor_required(request.user),
            "demo_relaxed": demo_relaxed(),
            "next": self._next(request),
        }
        return render(request, self.template_name, {**base, **ctx}, status=status)

    def _next(self, request) -> str:
        target = request.POST.get("next") or request.GET.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return "/"
        return target

    def get(self, request):
        return self._render(request)

    def post(self, request):
        step = request.POST.get("step", "verify")
        handler = {
            "start": self._start,
            "confirm": self._confirm,
            "recovery": self._recovery,
        }.get(step, self._verify)
        return handler(request)

    def _start(self, request):
        try:
            device = totp_enrol_start(user=request.user)
        except ServiceError as exc:
            return self._render(request, status=400, error=str(exc))
        return self._render(request, enrolling=self._key(device))

    def _confirm(self, request):
        token = request.POST.get("token", "")
        try:
            codes = totp_enrol_confirm(user=request.user, token=token)
        except ServiceError as exc:
            device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
            return self._render(
                request,
                status=400,
                error=str(exc),
                enrolling=self._key(device) if device else None,
            )
        otp_login(request, TOTPDevice.objects.get(user=request.user, confirmed=True))
        return self._render(request, recovery_codes=codes)

    def _recovery(self, request):
        if not request.user.is_verified():
            return self._render(request, status=400, error=_("Ange först en kod."))
        try:
            codes = recovery_codes_regenerate(
                user=request.user,
                actor=request.user,
                reason=_("Skapade nya reservkoder på egen begäran."),
            )
        except ServiceError as exc:
            return self._render(request, status=400, error=str(exc))
        return self._render(request, recovery_codes=codes)

    def _verify(self, request):
        device = two_factor_verify(user=request.user, token=request.POST.get("token", ""))
        if device is None:
            return self._render(request, status=400, error=_("Koden stämmer inte. Försök igen."))
        otp_login(request, device)
        return redirect(self._next(request))

    @staticmethod
    def _key(device: TOTPDevice) -> dict:
        return {"secret": base64.b32encode(device.bin_key).decode(), "url": device.config_url}
