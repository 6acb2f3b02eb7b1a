"""Optional TOTP two-factor login, required per role by an administrator (issue 10)."""

import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Membership, TwoFactorPolicy
from cases.sso import sso_mfa_satisfied

EXEMPT_PREFIXES = ("/tvafaktor/", "/logga-ut/", "/static/", "/health/", "/e-tjanst/", "/sso/")


def two_factor_required(user) -> bool:
    roles = Membership.objects.active().filter(user=user).values("role")
    return TwoFactorPolicy.objects.filter(required=True, role__in=roles).exists()


class TwoFactorMiddleware:
    """After OTPMiddleware: a user whose role requires 2FA reaches nothing until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and not sso_mfa_satisfied(request)
            and two_factor_required(user)
        ):
            return redirect(f"/tvafaktor/?next={request.path}")
        return self.get_response(request)


@method_decorator(login_required, name="dispatch")
class TwoFactorView(View):
    template_name = "registration/two_factor.html"

    def _device(self, user) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, confirmed=False, defaults={"name": "Autentiseringsapp"}
            )
        return device

    def _context(self, request, device, error: str = ""):
        ctx = {"device": device, "error": error, "next": request.GET.get("next", "/")}
        if not device.confirmed:
            ctx["secret"] = base64.b32encode(device.bin_key).decode()
            ctx["config_url"] = device.config_url
        return ctx

    def get(self, request):
        return render(
            request, self.template_name, self._context(request, self._device(request.user))
        )

    def post(self, request):
        device = self._device(request.user)
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        if not device.verify_token(token):
            return render(
                request,
                self.template_name,
                self._context(request, device, _("Koden stämmer inte. Försök igen.")),
                status=400,
            )
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = settings.LOGIN_REDIRECT_URL and "/"
        return redirect(target)
