from django.conf import settings
from django.contrib.auth import views as auth_views
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from cases import sso
from cases.forms import LoginForm
from cases.ratelimit import client_ip, rate_count, rate_hit
from cases.twofactor import demo_relaxed

# Beside axes' lockout per (username, address): failed logins from one address, whatever the
# usernames, so spraying many usernames from one place is slowed too (issue 15). High enough
# that a whole office behind one NAT address is not locked by a few mistyped passwords.
LOGIN_IP_FAIL_WINDOW = 15 * 60


def _ip_key(request) -> str:
    return f"login:fail:{client_ip(request)}"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_relaxed"] = demo_relaxed()
        # The button only where SSO is configured: small installations keep the plain form.
        context["sso_oidc"] = sso.oidc_enabled()
        context["sso_saml"] = sso.saml_enabled()
        return context

    def post(self, request, *args, **kwargs):
        if rate_count(_ip_key(request)) >= settings.LOGIN_IP_FAIL_LIMIT:
            # Refused before authenticate(): no password is tried, axes counts nothing.
            form = self.get_form()
            form.cleaned_data = {}
            form._errors = ErrorDict()
            form._errors["__all__"] = form.error_class(
                [
                    _(
                        "För många misslyckade inloggningar från din adress. Vänta en kvart "
                        "och försök igen."
                    )
                ]
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        rate_hit(_ip_key(self.request), LOGIN_IP_FAIL_WINDOW)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        saml = sso.saml_logout(request)
        if saml is not None:
            return saml
        # Read before logout() flushes the session: which IdP session to end, with which token.
        idp_url = sso.idp_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if not idp_url:
            return response
        # form-action on the page that posted allows this (cases.sso.SsoCspMiddleware).
        return HttpResponseRedirect(idp_url)
