from django.urls import path

from . import views

app_name = "riskanalysis"
urlpatterns = [
    path("", views.AnalysisListView.as_view(), name="list"),
    path("ny/", views.AnalysisCreateView.as_view(), name="create"),
    path("fran-avvikelser/", views.FromCasesView.as_view(), name="from_cases"),
    path("<int:pk>/", views.AnalysisDetailView.as_view(), name="detail"),
    path("<int:pk>/andra/", views.AnalysisEditView.as_view(), name="edit"),
    path("<int:pk>/risker/", views.RiskAddView.as_view(), name="risk_add"),
    path("<int:pk>/risker/<int:risk_pk>/", views.RiskEditView.as_view(), name="risk_edit"),
    path(
        "<int:pk>/risker/<int:risk_pk>/atgard/",
        views.RiskMeasureAddView.as_view(),
        name="risk_measure",
    ),
    path(
        "<int:pk>/risker/<int:risk_pk>/avvikelse/",
        views.RiskDeviationView.as_view(),
        name="risk_deviation",
    ),
    path("<int:pk>/genomford/", views.AnalysisCompleteView.as_view(), name="complete"),
    path("<int:pk>/uppfoljd/", views.AnalysisFollowUpView.as_view(), name="follow_up"),
    path("<int:pk>/ateroppna/", views.AnalysisReopenView.as_view(), name="reopen"),
]
