from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from cases import sso
from cases.forms import LoginForm
from cases.twofactor import demo_relaxed


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
