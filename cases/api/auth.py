"""Who calls: an integration account's key in `Authorization: Bearer <key>`. No session, no
password, no personal tokens. Rate limited per key in Redis (the Django cache)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from cases.models import Membership, Role
from cases.services.integrations import integration_account_for_key


class BearerKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").strip()
        if not header:
            return None
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise exceptions.AuthenticationFailed(
                _("Skicka nyckeln i rubriken Authorization: Bearer <nyckel>.")
            )
        account = integration_account_for_key(key.strip())
        if account is None or not account.user.is_active:
            raise exceptions.AuthenticationFailed(_("Nyckeln är ogiltig eller spärrad."))
        return account.user, account

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when no key was sent.
        return 'Bearer realm="api"'


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "cases.api.auth.BearerKeyAuthentication"
    name = "integrationKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("Integrationskontots nyckel: avk_<id>_<hemlighet>."),
        }


class IsIntegration(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None and request.user.is_authenticated


def has_role(user, *roles: str) -> bool:
    return Membership.objects.active().filter(user=user, role__in=roles).exists()


class MaintainsRegisters(permissions.BasePermission):
    """Units and code lists: the administrator role, as in the web's administration."""

    message = gettext_lazy(
        "Nyckeln saknar rätt att ändra enheter och kodlistor (rollen administratör)."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return has_role(request.user, Role.ADMINISTRATOR)


class PerKeyThrottle(throttling.SimpleRateThrottle):
    """N requests per minute per key (API_RATE_LIMIT), counted in Redis so every gunicorn
    worker shares the count."""

    scope = "integration"

    def get_rate(self):
        return f"{settings.API_RATE_LIMIT}/min"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.key_prefix}
