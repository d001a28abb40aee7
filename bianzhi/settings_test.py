"""Test settings: the same module, with fast hashing, no outbound mail and files in a temporary folder."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")

from .settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT = tempfile.mkdtemp(prefix="bianzhi-static-")
PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="bianzhi-private-")
if not S3_BUCKET:  # noqa: F405
    STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT  # noqa: F405
# The test runner empties tables with TRUNCATE between transactional tests. The append-only tables (the
# security audit, the campaign's audit trail, the pool ledger) refuse TRUNCATE unless the session sets
# `bianzhi.audit_maintenance = on` (bianzhi/migrations/0007); production never does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c bianzhi.audit_maintenance=on"  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Ordinary tests run tasks in-process; the end-to-end test switches to the real broker and a worker.
CELERY_TASK_ALWAYS_EAGER = True
AXES_VERBOSE = False  # keep the test logs readable
