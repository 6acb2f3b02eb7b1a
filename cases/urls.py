from django.urls import path

import cases.converters  # noqa: F401  (registers <ref:…>)
from cases.views import accesslog, actionform, detail, export, routing

app_name = "cases"
urlpatterns = [
    path("logg/", accesslog.AccessLogView.as_view(), name="accesslog"),
    path("<ref:reference>/", detail.CaseDetailView.as_view(), name="detail"),
    path("<ref:reference>/pdf/", export.CasePdfView.as_view(), name="pdf"),
    path("<ref:reference>/historik/", detail.CaseHistoryView.as_view(), name="history"),
    # A closed action's form alone: loaded when its disclosure opens, or linked without JS.
    path(
        "<ref:reference>/steg/<slug:name>/",
        actionform.CaseActionFormView.as_view(),
        name="action_form",
    ),
    path("<ref:reference>/anteckning/", detail.NoteAddView.as_view(), name="note_add"),
    path("<ref:reference>/atgard/", detail.MeasureAddView.as_view(), name="measure_add"),
    path(
        "<ref:reference>/atgard/<int:pk>/status/",
        detail.MeasureStatusView.as_view(),
        name="measure_status",
    ),
    path("<ref:reference>/fordela/", routing.RouteView.as_view(), name="route"),
    path("<ref:reference>/bilaga/", detail.AttachmentAddView.as_view(), name="attachment_add"),
    path(
        "<ref:reference>/bilaga/<int:pk>/",
        detail.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
