from django.urls import path

from . import views

app_name = "evaluations"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create_view, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/advance/", views.campaign_advance_view, name="campaign_advance"),
]
