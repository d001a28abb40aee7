from django.urls import path

from . import register_api

urlpatterns = [
    path("units/<int:pk>/may-file/", register_api.MayFileApi.as_view(), name="register-api-may-file"),
    path("campaigns/<int:campaign_pk>/appraisal/", register_api.AppraisalApi.as_view(), name="register-api-appraisal"),
]
