"""Staff intake and handling of klagomål och synpunkter: /klagomal/."""

from django.urls import path

import cases.converters  # noqa: F401  (registers <ref:…>)
from cases.complaints import views

app_name = "complaints"
urlpatterns = [
    path("personal/ny/", views.StaffComplaintCreateView.as_view(), name="staff_create"),
    path("registrera/", views.RegisterComplaintView.as_view(), name="register"),
    path("<ref:reference>/mottag/", views.ReceiveView.as_view(), name="receive"),
    path("<ref:reference>/tilldela/", views.AssignView.as_view(), name="assign"),
    path("<ref:reference>/bedomning/", views.AssessView.as_view(), name="assess"),
    path("<ref:reference>/atgard/", views.MeasureView.as_view(), name="measure"),
    path("<ref:reference>/svara/", views.ReplyView.as_view(), name="reply"),
    path("<ref:reference>/ateruppta/", views.ResumeView.as_view(), name="resume"),
    path("<ref:reference>/avsluta/", views.CloseView.as_view(), name="close"),
    path("<ref:reference>/eskalera/", views.EscalateView.as_view(), name="escalate"),
]
