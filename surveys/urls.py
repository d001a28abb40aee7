from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("f/<str:token>/", views.fill, name="fill"),
    path("f/<str:token>/thanks/", views.thanks, name="thanks"),
    path("surveys/links/<str:token>/qr.svg", views.link_qr, name="link_qr"),
    path("surveys/campaigns/<int:campaign_pk>/satisfaction/issue/", views.satisfaction_form_issue_view, name="satisfaction_issue"),
]
