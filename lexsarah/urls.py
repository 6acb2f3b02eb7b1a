from django.urls import path

import cases.converters  # noqa: F401  (registers <ref:…>)

from .views import au, investigation, report

app_name = "lexsarah"
urlpatterns = [
    path("ny/", report.ReportCreateView.as_view(), name="create"),
    path("mina/", report.MyReportsView.as_view(), name="mine"),
    path("au/", au.AUListView.as_view(), name="au_list"),
    path("au/nytt/", au.AUMeetingCreateView.as_view(), name="au_create"),
    path("au/<int:pk>/", au.AUMeetingView.as_view(), name="au_meeting"),
    path("au/<int:pk>/dagordning/", au.AgendaAddView.as_view(), name="agenda_add"),
    path(
        "au/<int:pk>/punkt/<int:item_pk>/beslut/",
        au.AgendaDecideView.as_view(),
        name="agenda_decide",
    ),
    path("au/<int:pk>/handlingar.pdf", au.AUPacketPdfView.as_view(), name="au_pdf"),
    path("utredning/<int:pk>/", investigation.InvestigationView.as_view(), name="investigation"),
    path("utredning/<int:pk>/bedomning/", investigation.AssessView.as_view(), name="inv_assess"),
    path("utredning/<int:pk>/oppna/", investigation.ReopenView.as_view(), name="inv_reopen"),
    path("utredning/<int:pk>/rapport/", investigation.AddReportView.as_view(), name="inv_add"),
    path("utredning/<int:pk>/bilaga/", investigation.AttachmentView.as_view(), name="inv_attach"),
    path("<ref:reference>/ta-emot/", report.ReceiveView.as_view(), name="receive"),
    path(
        "<ref:reference>/omedelbar-atgard/", report.ImmediateMeasureView.as_view(), name="measure"
    ),
    path("<ref:reference>/utredare/", report.AssignView.as_view(), name="assign"),
    path("<ref:reference>/utredning/", report.StartInvestigationView.as_view(), name="investigate"),
    path("<ref:reference>/ivo/bradskande/", report.UrgentIvoView.as_view(), name="urgent"),
    path("<ref:reference>/ivo/skickad/", report.IvoSentView.as_view(), name="ivo_sent"),
    path("<ref:reference>/ivo/beslut/", report.IvoDecisionView.as_view(), name="ivo_decision"),
    path("<ref:reference>/ivo/anmalan.pdf", report.IvoPdfView.as_view(), name="ivo_pdf"),
    path("<ref:reference>/imy/", report.ImyView.as_view(), name="imy"),
    path("<ref:reference>/avsluta/", report.CloseView.as_view(), name="close"),
]
