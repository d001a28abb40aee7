from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("code/", views.code_login, name="code_login"),
    path("password/", views.password_view, name="password"),
    path("manage/", views.account_list, name="list"),
    path("manage/new/", views.account_create, name="create"),
    path("manage/<int:pk>/", views.account_edit, name="edit"),
    path("manage/<int:pk>/deactivate/", views.account_deactivate, name="deactivate"),
    path("manage/<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
    path("manage/codes/", views.account_codes, name="codes"),
    path("manage/liaisons/", views.scope_liaisons, name="scope_liaisons"),
    path("manage/import/", views.accounts_import_view, name="import"),
    path("manage/import/template/", views.accounts_import_template, name="import_template"),
    path("manage/unlock/", views.lockout_unlock, name="unlock"),
    path("audit/", views.audit, name="audit"),
]
