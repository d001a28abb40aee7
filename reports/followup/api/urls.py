from django.urls import path

from . import views

urlpatterns = [
    path("campaigns/<int:campaign_pk>/rectifications/", views.RectificationsApi.as_view(),
         name="followup-api-rectifications"),
]
