"""Staff intake and handling of klagomål och synpunkter: /klagomal/."""

from django.urls import path

from cases.complaints import views

app_name = "complaints"
urlpatterns = [
    path("personal/ny/", views.StaffComplaintCreateView.as_view(), name="staff_create"),
    path("registrera/", views.RegisterComplaintView.as_view(), name="register"),
    path("<str:reference>/mottag/", views.ReceiveView.as_view(), name="receive"),
    path("<str:reference>/tilldela/", views.AssignView.as_view(), name="assign"),
    path("<str:reference>/bedomning/", views.AssessView.as_view(), name="assess"),
    path("<str:reference>/atgard/", views.MeasureView.as_view(), name="measure"),
    path("<str:reference>/svara/", views.ReplyView.as_view(), name="reply"),
    path("<str:reference>/ateruppta/", views.ResumeView.as_view(), name="resume"),
    path("<str:reference>/avsluta/", views.CloseView.as_view(), name="close"),
    path("<str:reference>/eskalera/", views.EscalateView.as_view(), name="escalate"),
]
