from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.DeliveryListView.as_view(), name="list"),
    path("ny/", views.DeliveryCreateView.as_view(), name="create"),
    path("ny-handling/", views.ItemDeliveryCreateView.as_view(), name="create_item"),
    path("gallring/", views.RetentionPlanView.as_view(), name="plan"),
    path("gallring/<str:subject>/", views.RetentionClassSetView.as_view(), name="plan_set"),
    path("<int:pk>/", views.DeliveryDetailView.as_view(), name="delivery"),
    path("<int:pk>/kvittera/", views.DeliveryReceiptView.as_view(), name="receipt"),
    path("<int:pk>/paket/", views.DeliveryPackageView.as_view(), name="package"),
]
