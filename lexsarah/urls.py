from django.urls import path

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
    path("<str:reference>/ta-emot/", report.ReceiveView.as_view(), name="receive"),
    path(
        "<str:reference>/omedelbar-atgard/", report.ImmediateMeasureView.as_view(), name="measure"
    ),
    path("<str:reference>/utredare/", report.AssignView.as_view(), name="assign"),
    path("<str:reference>/utredning/", report.StartInvestigationView.as_view(), name="investigate"),
    path("<str:reference>/ivo/bradskande/", report.UrgentIvoView.as_view(), name="urgent"),
    path("<str:reference>/ivo/skickad/", report.IvoSentView.as_view(), name="ivo_sent"),
    path("<str:reference>/ivo/beslut/", report.IvoDecisionView.as_view(), name="ivo_decision"),
    path("<str:reference>/ivo/anmalan.pdf", report.IvoPdfView.as_view(), name="ivo_pdf"),
    path("<str:reference>/imy/", report.ImyView.as_view(), name="imy"),
    path("<str:reference>/avsluta/", report.CloseView.as_view(), name="close"),
]
