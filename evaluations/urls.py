from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create_view, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/advance/", views.campaign_advance_view, name="campaign_advance"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/teams/new/", views.team_edit, name="team_create"),
    path("<int:pk>/teams/<int:team_pk>/", views.team_edit, name="team_edit"),
    path("<int:pk>/board/", views.campaign_board, name="campaign_board"),
    path("<int:pk>/events.csv", views.campaign_events_export, name="campaign_events_export"),
    path("tasks/", views.workbench, name="workbench"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("packages/<int:pk>/events.csv", views.target_events_export, name="package_events_export"),
    path("packages/<int:pk>/self/", views.self_assessment, name="self_assessment"),
    path("packages/<int:pk>/self/save/", views.self_assessment_save, name="self_assessment_save"),
    path("packages/<int:pk>/self/xlsx/", views.self_assessment_xlsx, name="self_assessment_xlsx"),
    path("packages/<int:pk>/self/xlsx/upload/", views.self_assessment_import, name="self_assessment_import"),
    path("packages/<int:pk>/self/review/", views.self_assessment_review, name="self_assessment_review"),
    path("packages/<int:pk>/self/v<int:version>/", views.self_assessment_version, name="self_assessment_version"),
    path("packages/<int:pk>/uploads/", views.upload_create, name="upload_create"),
    path("packages/<int:pk>/visit/", views.field_visit, name="field_visit"),
    path("uploads/<int:pk>/", views.upload_download, name="upload_download"),
    path("uploads/<int:pk>/replace/", views.upload_replace, name="upload_replace"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
