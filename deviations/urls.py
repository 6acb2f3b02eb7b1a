"""Kvalitetsavvikelser: /avvikelser/. Handling happens on the shared case page /arenden/<ref>/;
the transition URLs below are POST-only."""

from django.urls import path

import cases.converters  # noqa: F401  (registers <ref:…>)

from . import views

app_name = "deviations"
urlpatterns = [
    path("ny/", views.ReportCreateView.as_view(), name="report"),
    path("<ref:reference>/kvitto/", views.ReceiptView.as_view(), name="receipt"),
    path("<ref:reference>/mottag/", views.ReceiveView.as_view(), name="receive"),
    path("<ref:reference>/tilldela/", views.AssignView.as_view(), name="assign"),
    path("<ref:reference>/utredning/", views.InvestigateView.as_view(), name="investigate"),
    path("<ref:reference>/klassificera/", views.ClassifyView.as_view(), name="classify"),
    path("<ref:reference>/atgard/", views.MeasureView.as_view(), name="measure"),
    path("<ref:reference>/avsluta/", views.CloseView.as_view(), name="close"),
    path("<ref:reference>/omklassificera/", views.ReclassifyView.as_view(), name="reclassify"),
]
