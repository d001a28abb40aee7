from django.urls import path

from . import views

# included in reports.urls (namespace "reports"), names prefixed "followup_"
urlpatterns = [
    path("followup/campaigns/<int:pk>/", views.campaign_followup, name="followup_campaign"),
    path("followup/campaigns/<int:pk>/settings/", views.settings_save, name="followup_settings"),
    path("followup/campaigns/<int:pk>/feedback/", views.feedback_issue, name="followup_feedback"),
    path("followup/campaigns/<int:pk>/finalize/", views.finalize, name="followup_finalize"),
    path("followup/campaigns/<int:pk>/remind/", views.remind, name="followup_remind"),
    path("followup/campaigns/<int:pk>/rectifications/", views.rectifications, name="followup_rectifications"),
    path("followup/campaigns/<int:pk>/rectifications/new/", views.rectifications_create,
         name="followup_rectifications_create"),
    path("followup/campaigns/<int:pk>/rectifications.xlsx", views.rectifications_export,
         name="followup_rectifications_xlsx"),
    path("followup/units/<int:target_pk>/", views.unit_page, name="followup_unit"),
    path("followup/units/<int:target_pk>/appeal/", views.appeal_create, name="followup_appeal_create"),
    path("followup/appeals/<int:pk>/", views.appeal_detail, name="followup_appeal"),
    path("followup/appeals/<int:pk>/assign/", views.appeal_assign, name="followup_appeal_assign"),
    path("followup/appeal-items/<int:pk>/decide/", views.appeal_item_decide, name="followup_appeal_decide"),
    path("followup/items/<int:pk>/report/", views.item_report, name="followup_item_report"),
    path("followup/items/<int:pk>/verify/", views.item_verify, name="followup_item_verify"),
    path("followup/files/<int:pk>/", views.evidence_file, name="followup_file"),
    path("followup/reviews/", views.my_reviews, name="followup_my_reviews"),
]
