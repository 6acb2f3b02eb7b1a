"""Public e-service (no login): /e-tjanst/."""

from django.urls import path

from cases.complaints import public_views as public

app_name = "public"
urlpatterns = [
    path("", public.PublicComplaintView.as_view(), name="complaint"),
    path("tack/", public.ReceiptShownView.as_view(), name="receipt_shown"),
    path("kvitto/", public.ReceiptLookupView.as_view(), name="receipt"),
    path("kvitto/arende/", public.ReceiptStatusView.as_view(), name="receipt_status"),
    path("kvitto/stang/", public.ReceiptCloseView.as_view(), name="receipt_close"),
]
