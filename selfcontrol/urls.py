from django.urls import path

from . import views

app_name = "selfcontrol"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("plan/", views.YearPlanView.as_view(), name="year"),
    path("planer/ny/", views.PlanCreateView.as_view(), name="plan_create"),
    path("planer/<int:pk>/", views.PlanDetailView.as_view(), name="plan_detail"),
    path("planer/<int:pk>/andra/", views.PlanEditView.as_view(), name="plan_edit"),
    path("planer/<int:pk>/planera/", views.PlanScheduleView.as_view(), name="plan_schedule"),
    path("korningar/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("korningar/<int:pk>/andra/", views.RunEditView.as_view(), name="run_edit"),
    path("korningar/<int:pk>/paborja/", views.RunStartView.as_view(), name="run_start"),
    path("korningar/<int:pk>/klar/", views.RunCompleteView.as_view(), name="run_complete"),
    path("korningar/<int:pk>/ateroppna/", views.RunReopenView.as_view(), name="run_reopen"),
    path("korningar/<int:pk>/atgard/", views.RunMeasureAddView.as_view(), name="run_measure"),
    path("korningar/<int:pk>/avvikelse/", views.RunDeviationView.as_view(), name="run_deviation"),
    path("korningar/<int:pk>/urval/", views.RunDrawSampleView.as_view(), name="run_draw"),
    path(
        "korningar/<int:pk>/logg/<int:sample_pk>/",
        views.LogSampleReviewView.as_view(),
        name="log_review",
    ),
]
