from django.urls import path

from . import register_views as views

app_name = "register"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("export.xlsx", views.request_export, name="request_export"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/action/", views.request_action, name="request_action"),
    path("<int:pk>/attachment/", views.request_attachment, name="request_attachment"),
    path("rules/", views.rules_page, name="rules"),
    path("rules/export.xlsx", views.rules_export, name="rules_export"),
    path("reclaims/", views.reclaim_list, name="reclaim_list"),
    path("reclaims/generate/", views.reclaim_generate, name="reclaim_generate"),
    path("reclaims/<int:pk>/", views.reclaim_decide, name="reclaim_decide"),
    path("reclaims/export.xlsx", views.reclaim_export, name="reclaim_export"),
    path("appraisal/", views.appraisal_list, name="appraisal"),
    path("appraisal/<int:campaign_pk>.xlsx", views.appraisal_export, name="appraisal_export"),
]
