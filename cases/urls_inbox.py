from django.urls import path

from cases.views import inbox

app_name = "inbox"
urlpatterns = [
    path("", inbox.InboxView.as_view(), name="list"),
    path("export/", inbox.InboxExportView.as_view(), name="export"),
    path("massatgard/", inbox.InboxBulkView.as_view(), name="bulk"),
]
