from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.DashboardApi.as_view(), name="dashboard-api"),
]
