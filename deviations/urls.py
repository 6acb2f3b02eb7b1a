"""Kvalitetsavvikelser: /avvikelser/. Handling happens on the shared case page /arenden/<ref>/;
the transition URLs below are POST-only."""

from django.urls import path

from . import views

app_name = "deviations"
urlpatterns = [
    path("ny/", views.ReportCreateView.as_view(), name="report"),
    path("<str:reference>/kvitto/", views.ReceiptView.as_view(), name="receipt"),
    path("<str:reference>/mottag/", views.ReceiveView.as_view(), name="receive"),
    path("<str:reference>/tilldela/", views.AssignView.as_view(), name="assign"),
    path("<str:reference>/utredning/", views.InvestigateView.as_view(), name="investigate"),
    path("<str:reference>/klassificera/", views.ClassifyView.as_view(), name="classify"),
    path("<str:reference>/atgard/", views.MeasureView.as_view(), name="measure"),
    path("<str:reference>/avsluta/", views.CloseView.as_view(), name="close"),
    path("<str:reference>/omklassificera/", views.ReclassifyView.as_view(), name="reclassify"),
]
