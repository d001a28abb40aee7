"""Settings for the gunicorn server the HTTP benchmarks start: the app's own, plus a bare baseline view."""

from bianzhi.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.bench_urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # no collectstatic here  # noqa: F405
