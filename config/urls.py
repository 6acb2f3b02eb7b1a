"""Top-level URLs. Each app owns its prefix; every view sits behind the permission mixin or is
explicitly public (the e-service, login, health)."""

from django.contrib import admin
from django.urls import include, path
from djangosaml2 import views as saml_views

from cases import sso
from cases.twofactor import TwoFactorView
from cases.views import auth as auth_views
from cases.views import imports, organisation, start
from config.health import health

urlpatterns = [
    path("", start.StartView.as_view(), name="start"),
    path("logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health, name="health"),
    # Single sign-on: 404 while its protocol is not configured.
    path("sso/oidc/logga-in/", sso.OidcLoginView.as_view(), name="sso_oidc_login"),
    path("sso/oidc/callback/", sso.OidcCallbackView.as_view(), name="sso_oidc_callback"),
    path("sso/saml/logga-in/", sso.SamlLoginView.as_view(), name="saml2_login"),
    path("sso/saml/acs/", sso.SamlAcsView.as_view(), name="saml2_acs"),
    path("sso/saml/sls/", saml_views.LogoutView.as_view(), name="saml2_ls"),
    path("sso/saml/sls/post/", saml_views.LogoutView.as_view(), name="saml2_ls_post"),
    path("sso/saml/metadata/", saml_views.MetadataView.as_view(), name="saml2_metadata"),
    path("sso/ingen-behorighet/", sso.SsoRefusedView.as_view(), name="sso_refused"),
    path("sso/misslyckades/", sso.SsoFailedView.as_view(), name="sso_failed"),
    path("tvafaktor/", TwoFactorView.as_view(), name="two_factor"),
    path("import/", imports.ImportView.as_view(), name="imports"),
    path("import/<int:pk>/genomfor/", imports.ImportExecuteView.as_view(), name="imports_execute"),
    path(
        "organisation/",
        organisation.OrganisationSettingsView.as_view(),
        name="organisation_settings",
    ),
    path("admin/", admin.site.urls),
    path("arenden/", include("cases.urls")),
    path("inkorg/", include("cases.urls_inbox")),
    path("e-tjanst/", include("cases.complaints.urls_public")),
    path("klagomal/", include("cases.complaints.urls")),
    path("avvikelser/", include("deviations.urls")),
    path("lex-sarah/", include("lexsarah.urls")),
    path("riskanalyser/", include("riskanalysis.urls")),
    path("egenkontroll/", include("selfcontrol.urls")),
    path("tillsyn/", include("cases.supervision.urls")),
    path("rapporter/", include("reports.urls")),
    # REST API (issue 21): the core's endpoints and the statistics of the reports layer.
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("reports.api_urls")),
    path("arkiv/", include("cases.archive.urls")),
]

handler403 = "cases.views.errors.permission_denied"
handler404 = "cases.views.errors.page_not_found"
handler500 = "cases.views.errors.server_error"
