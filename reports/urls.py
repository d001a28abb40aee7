from django.urls import path

from . import views
from .dashboard import views as dashboard
from .followup.urls import urlpatterns as followup_urls

app_name = "reports"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export/<str:chart>/", dashboard.dashboard_export, name="dashboard_export"),
    path("dashboard/units/<int:pk>/", dashboard.dashboard_unit, name="dashboard_unit"),
    path("coverage/", dashboard.coverage, name="coverage"),
    path("coverage/export/", dashboard.coverage_export, name="coverage_export"),
    path("my/", views.my_unit, name="my_unit"),
    path("reports/targets/<int:target_pk>/request/", views.report_request_view, name="request"),
    path("reports/<int:pk>/status/", views.report_status, name="status"),
    path("reports/<int:pk>/download/", views.report_download, name="download"),
    *followup_urls,
]
