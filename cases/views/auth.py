from django.contrib.auth import views as auth_views

from cases.forms import LoginForm
from cases.twofactor import demo_relaxed


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "demo_relaxed": demo_relaxed()}


class LogoutView(auth_views.LogoutView):
    pass
