from django.urls import path

from . import views

app_name = "scoring"
campaign = "scoring/campaigns/<int:campaign_pk>/"
urlpatterns = [
    path(campaign + "tree/", views.tree_detail, name="tree"),
    path(campaign + "tree/copy/", views.tree_copy_view, name="tree_copy"),
    path(campaign + "tree/save-template/", views.template_save_view, name="template_save"),
    path(campaign + "tree/weights.xlsx", views.tree_xlsx, name="tree_xlsx"),
    path(campaign + "tree/dimensions/add/", views.dimension_add_view, name="dimension_add"),
    path(campaign + "tree/dimensions/<int:pk>/rename/", views.dimension_rename_view, name="dimension_rename"),
    path(campaign + "tree/dimensions/<int:pk>/remove/", views.dimension_remove_view, name="dimension_remove"),
    path(campaign + "tree/indicators/add/", views.indicator_form_view, name="indicator_add"),
    path(campaign + "tree/indicators/<int:pk>/", views.indicator_form_view, name="indicator_edit"),
    path(campaign + "tree/indicators/<int:pk>/remove/", views.indicator_remove_view, name="indicator_remove"),
    path(campaign + "ahp/", views.ahp_overview, name="ahp"),
    path(campaign + "ahp/experts/invite/", views.expert_invite_view, name="expert_invite"),
    path(campaign + "ahp/experts/<int:pk>/", views.expert_update_view, name="expert_update"),
    path(campaign + "ahp/freeze/", views.weights_freeze_view, name="weights_freeze"),
    path(campaign + "results/", views.results_page, name="results"),
    path(campaign + "results.xlsx", views.results_xlsx, name="results_xlsx"),
    path(campaign + "results/settings/", views.tree_settings_view, name="tree_settings"),
    path(campaign + "results/<int:target_pk>/", views.result_detail, name="result_detail"),
    # The expert's pages: the token is the only credential.
    path("ahp/<str:token>/", views.judge_index, name="judge_index"),
    path("ahp/<str:token>/<slug:node>/", views.judge_node, name="judge_node"),
    path("ahp/<str:token>/<slug:node>/preview/", views.judge_preview, name="judge_preview"),
]
