from django.urls import path

from . import views
from .followup.urls import urlpatterns as followup_urls

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("my/", views.my_unit, name="my_unit"),
    path("reports/targets/<int:target_pk>/request/", views.report_request_view, name="request"),
    path("reports/<int:pk>/status/", views.report_status, name="status"),
    path("reports/<int:pk>/download/", views.report_download, name="download"),
    *followup_urls,
]
