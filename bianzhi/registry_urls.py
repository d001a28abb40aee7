from django.urls import path, re_path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/versions/<int:version_pk>/", views.unit_version_detail, name="unit_version"),
    path("export.xlsx", views.registry_export, name="export"),
    path("template.xlsx", views.registry_template, name="template"),
    path("import/", views.registry_import_view, name="import"),
    path("import/<int:pk>/", views.registry_import_job, name="import_job"),
    path("import/<int:pk>/status/", views.registry_import_status, name="import_status"),
    re_path(r"^import/(?P<name>[0-9a-f]{32})\.xlsx$", views.registry_errors_download, name="import_errors"),
]
