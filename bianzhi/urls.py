from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from bianzhi.api.views import UnitViewSet
from evaluations.api.views import CampaignViewSet, PackageViewSet, UploadViewSet
from surveys.api.views import FormViewSet

from . import health, views

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("packages", PackageViewSet, basename="package")
router.register("uploads", UploadViewSet, basename="upload")
router.register("forms", FormViewSet, basename="form")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # for the proxy: database and broker
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("bianzhi.accounts.urls")),
    path("campaigns/", include("evaluations.urls")),
    path("registry/", include("bianzhi.registry_urls")),
    path("pool/", include("bianzhi.pool.urls")),
    path("requests/", include("scoring.register_urls")),
    path("", include("surveys.urls")),
    path("", include("reports.urls")),
    path("", include("scoring.urls")),
    path("api/v1/", include("scoring.api.urls")),
    path("api/v1/", include("scoring.register_api_urls")),
    path("api/v1/", include("reports.followup.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),  # the header's 中文/English switch
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),  # gettext() for static/js
]

# Refusals and failures in Chinese (JSON for the API and for requests that ask for JSON): bianzhi/errors.py
handler403 = "bianzhi.errors.permission_denied"
handler404 = "bianzhi.errors.page_not_found"
handler500 = "bianzhi.errors.server_error"
