"""Tillsyn: supervisory cases from IVO, JO and JK, mounted at /tillsyn/."""

from django.urls import path

from cases.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.SupervisionListView.as_view(), name="list"),
    path("ny/", views.SupervisionCreateView.as_view(), name="create"),
    path("<int:pk>/", views.SupervisionDetailView.as_view(), name="detail"),
    path("<int:pk>/historik/", views.SupervisionHistoryView.as_view(), name="history"),
    path("<int:pk>/andra/", views.SupervisionEditView.as_view(), name="edit"),
    path("<int:pk>/beslut/", views.DecisionAddView.as_view(), name="decision_add"),
    path("<int:pk>/atgarder/", views.MeasureAddView.as_view(), name="measure_add"),
    path(
        "<int:pk>/atgarder/<int:measure_pk>/genomford/",
        views.MeasureCompleteView.as_view(),
        name="measure_complete",
    ),
    path("<int:pk>/yttrande-skickat/", views.ResponseSentView.as_view(), name="response_sent"),
    path("<int:pk>/komplettering/", views.SupplementView.as_view(), name="supplement"),
    path("<int:pk>/avsluta/", views.CloseView.as_view(), name="close"),
]
