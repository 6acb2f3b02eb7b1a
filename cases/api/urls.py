"""/api/v1/: the case core's endpoints, one create endpoint per case type that declares one
(CaseType.api_create), the statistics of reports/api.py (included by config/urls.py), the
OpenAPI schema and its documentation page from vendored assets (no CDN)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.registry import case_types

from . import views

app_name = "api"

REFERENCE = r"(?P<reference>[A-Za-z0-9-]{1,20})"
PK = r"(?P<pk>[0-9]{1,9})"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    re_path(rf"^cases/{REFERENCE}/$", views.CaseDetailView.as_view(), name="case"),
    path("units/", views.UnitListView.as_view(), name="units"),
    re_path(rf"^units/{PK}/$", views.UnitDetailView.as_view(), name="unit"),
    path("codes/", views.CodeListView.as_view(), name="codes"),
    re_path(rf"^codes/{PK}/$", views.CodeDetailView.as_view(), name="code"),
]

for _type in case_types():
    if _type.api_create is not None:
        urlpatterns.append(
            path(
                f"{_type.api_create.path}/",
                views.make_create_view(_type.kind, _type.api_create).as_view(),
                name=f"{_type.kind}_create",
            )
        )
