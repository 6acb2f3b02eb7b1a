"""/api/v1/statistics/ (included by config/urls.py beside cases.api.urls)."""

from django.urls import path

from .api import StatisticsApiView

app_name = "api_reports"

urlpatterns = [path("statistics/", StatisticsApiView.as_view(), name="statistics")]
