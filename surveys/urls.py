from django.urls import path

from . import analysis_views, editor_views, views, views_reach, views_sheets

app_name = "surveys"
urlpatterns = [
    # public: the token (a unit's link or a ballot's code) is the credential
    path("f/", views.ballot_enter, name="enter"),
    path("f/<str:token>/", views.fill, name="fill"),
    path("f/<str:token>/thanks/", views.thanks, name="thanks"),
    # the office
    path("surveys/links/<str:token>/qr.svg", views.link_qr, name="link_qr"),
    path("surveys/campaigns/<int:campaign_pk>/satisfaction/issue/", views.satisfaction_form_issue_view, name="satisfaction_issue"),
    path("surveys/campaigns/<int:campaign_pk>/forms/", views.campaign_forms, name="campaign_forms"),
    path("surveys/campaigns/<int:campaign_pk>/forms/create/", views.form_create_view, name="form_create"),
    path("surveys/forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("surveys/forms/<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("surveys/forms/<int:pk>/questions/add/", views.question_add_view, name="question_add"),
    path("surveys/forms/<int:pk>/questions/<int:question_pk>/remove/", views.question_remove_view, name="question_remove"),
    path("surveys/forms/<int:pk>/editor/", editor_views.form_editor, name="form_editor"),
    path("surveys/forms/<int:pk>/preview/", editor_views.form_preview, name="form_preview"),
    path("surveys/forms/<int:pk>/definition.xlsx", editor_views.form_definition_export, name="form_definition_export"),
    path("surveys/forms/<int:pk>/definition/import/", editor_views.form_definition_import_view, name="form_definition_import"),
    path("surveys/forms/<int:pk>/templates/save/", editor_views.form_template_save_view, name="form_template_save"),
    path("surveys/forms/<int:pk>/templates/apply/", editor_views.form_template_apply_view, name="form_template_apply"),
    path("surveys/forms/<int:pk>/analysis/", analysis_views.form_analysis_view, name="analysis"),
    path("surveys/forms/<int:pk>/analysis.xlsx", analysis_views.form_analysis_export, name="analysis_export"),
    path("surveys/forms/<int:pk>/windows/", views.window_link_add, name="window_link_add"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/ballots/issue/", views.ballots_issue_view, name="ballots_issue"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/ballots/", views.ballots_sheet, name="ballots_sheet"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/responses/", views.responses_review, name="responses"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/responses/<int:response_pk>/void/", views.response_void,
         name="response_void"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/sheet/", views.sheet, name="sheet"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/sheet/files/", views.sheet_file_upload, name="sheet_file_upload"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/sheet/xlsx/", views_sheets.sheet_xlsx, name="sheet_xlsx"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/sheet/xlsx/upload/", views_sheets.sheet_xlsx_upload,
         name="sheet_xlsx_upload"),
    path("surveys/forms/<int:pk>/units/<int:target_pk>/poster.pdf", views_reach.poster, name="poster"),
    path("surveys/forms/<int:pk>/sample-targets/", views_reach.sample_targets, name="sample_targets"),
    path("surveys/forms/<int:pk>/over-time/", views_reach.over_time, name="over_time"),
    path("surveys/forms/<int:pk>/sheet-settings/", views.sheet_settings, name="sheet_settings"),
    path("surveys/forms/<int:pk>/results/", views.results, name="results"),
    path("surveys/forms/<int:pk>/results/<int:target_pk>/", views.unit_results, name="unit_results"),
    path("surveys/forms/<int:pk>/exports/", views.export_request_view, name="export_request"),
    path("surveys/exports/<int:pk>/status/", views.export_status, name="export_status"),
    path("surveys/exports/<int:pk>/download/", views.export_download, name="export_download"),
]
