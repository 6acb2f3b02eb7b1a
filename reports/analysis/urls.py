"""Included from reports/urls.py under /rapporter/analys/."""

from django.urls import path

from . import views

urlpatterns = [
    path("analys/", views.AnalysisListView.as_view(), name="analysis_list"),
    path("analys/<int:pk>/", views.AnalysisDetailView.as_view(), name="analysis_detail"),
    path("analys/<int:pk>/spara/", views.AnalysisSaveView.as_view(), name="analysis_save"),
    path("analys/<int:pk>/lamna-in/", views.AnalysisSubmitView.as_view(), name="analysis_submit"),
    path("analys/omgang/ny/", views.RoundOpenView.as_view(), name="analysis_round_open"),
    path("analys/omgang/<int:year>/", views.RoundOverviewView.as_view(), name="analysis_overview"),
    path(
        "analys/omgang/<int:year>/andra/", views.RoundEditView.as_view(), name="analysis_round_edit"
    ),
]
