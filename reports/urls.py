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
    path("reports/targets/<int:target_pk>/", views.report_write, name="write"),
    path("reports/targets/<int:target_pk>/sign/", views.report_sign_view, name="sign"),
    path("reports/targets/<int:target_pk>/request/", views.report_request_view, name="request"),
    path("reports/<int:pk>/status/", views.report_status, name="status"),
    path("reports/<int:pk>/download/", views.report_download, name="download"),
    *followup_urls,
    path("reports/campaigns/<int:campaign_pk>/", views.campaign_reports, name="campaign"),
    path("reports/campaigns/<int:campaign_pk>/generate-all/", views.generate_all, name="generate_all"),
    path("reports/campaigns/<int:campaign_pk>/progress/", views.bulk_status, name="bulk_status"),
    path("reports/campaigns/<int:campaign_pk>/zip/", views.reports_zip, name="zip"),
    path("reports/campaigns/<int:campaign_pk>/summary/text/", views.summary_save, name="summary_save"),
    path("reports/campaigns/<int:campaign_pk>/summary/request/", views.summary_request_view, name="summary_request"),
    path("reports/summary/<int:pk>/status/", views.summary_status, name="summary_status"),
    path("reports/summary/<int:pk>/download/", views.summary_download, name="summary_download"),
    path("reports/word-templates/<str:kind>/", views.template_download, name="template_download"),
    path("reports/word-templates/", views.template_upload, name="template_upload"),
]
