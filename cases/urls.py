from django.urls import path

from cases.views import accesslog, detail, export

app_name = "cases"
urlpatterns = [
    path("logg/", accesslog.AccessLogView.as_view(), name="accesslog"),
    path("<str:reference>/", detail.CaseDetailView.as_view(), name="detail"),
    path("<str:reference>/pdf/", export.CasePdfView.as_view(), name="pdf"),
    path("<str:reference>/historik/", detail.CaseHistoryView.as_view(), name="history"),
    path("<str:reference>/anteckning/", detail.NoteAddView.as_view(), name="note_add"),
    path("<str:reference>/atgard/", detail.MeasureAddView.as_view(), name="measure_add"),
    path(
        "<str:reference>/atgard/<int:pk>/status/",
        detail.MeasureStatusView.as_view(),
        name="measure_status",
    ),
    path("<str:reference>/bilaga/", detail.AttachmentAddView.as_view(), name="attachment_add"),
    path(
        "<str:reference>/bilaga/<int:pk>/",
        detail.AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
