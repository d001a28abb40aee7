"""One settings module, driven by environment variables.

With nothing set the app runs on its embedded defaults (SQLite, Celery tasks in-process), which is what
`make run` uses on a fresh machine. Production differs only through the environment: see README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# No default secret: `make run` and the tests set a throwaway one explicitly.
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "bianzhi.errors.csrf_failure"  # a Chinese page that says what to do (cookies, go back)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "bianzhi",
    "evaluations",
    "surveys",
    "scoring",
    "reports",
    "axes",  # sign-in lockout (issue 17); after the apps whose templates it may show
    "bianzhi.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bianzhi.language.ChosenLanguageMiddleware",  # Chinese unless the user chose English (not the browser)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bianzhi.accounts.sessions.AccountSessionMiddleware",  # idle timeout; a due new password comes first
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the Chinese lockout page
]

ROOT_URLCONF = "bianzhi.urls"
WSGI_APPLICATION = "bianzhi.wsgi.application"
AUTH_USER_MODEL = "bianzhi.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bianzhi.context_processors.access",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------------------------
# Database: SQLite by default, PostgreSQL (or anything dj-database-url knows) through DATABASE_URL
# ---------------------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections are the main lever for write throughput (see STACK.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator()) cannot outlive its
# transaction's server connection: set this to 1 there (README: deployment for a province).
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------------------------
# Passwords, i18n, time
# ---------------------------------------------------------------------------------------------------------
# 等保 2.0 身份鉴别: at least 10 characters, letters and digits, not like the username, not a common one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "bianzhi.accounts.security.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "bianzhi.accounts.security.LettersAndDigitsValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "bianzhi.accounts.security.NotDemoPasswordValidator"},
]
# Lockout first (django-axes), then usernames without case and the demo password refused outside DEBUG.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bianzhi.accounts.security.AccountBackend",
]
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------------------
# Static files (vendored, served by WhiteNoise) and private files (never under a public URL)
# ---------------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# Several web machines and workers share the private files through S3-compatible object storage
# (django-storages) when S3_BUCKET is set; every machine must name the same bucket. Files stay private:
# downloads go through the app's views (permission checks), never to a public bucket URL.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,  # MinIO, Ceph, a cloud's S3 API
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
        },
    }

# ---------------------------------------------------------------------------------------------------------
# Security: `manage.py check --deploy` is clean with DEBUG=0 and a real secret
# ---------------------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The proxy's health check asks over plain HTTP on the private network: no redirect to HTTPS for it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# ---------------------------------------------------------------------------------------------------------
# REST framework
# ---------------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "bianzhi.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "机构编制评估系统 API",
    "VERSION": "1.0.0",
    # Several models have a `kind` or a `status`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "bianzhi.models.Unit.Kind",
        "UnitStatusEnum": "bianzhi.models.Unit.Status",
        "QuotaKindEnum": "bianzhi.models.Quota.Kind",
    },
    # Anonymous users reach only the public form links: the schema too needs a login.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bianzhi.api.schema.add_refusals",
    ],
}

# ---------------------------------------------------------------------------------------------------------
# Celery: in-process unless a broker is configured
# ---------------------------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env.str("CELERY_BROKER_URL", default=""))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A job's message is acknowledged after it ran, and requeued when its worker process dies (SIGKILL, OOM):
# safe because the job runner claims a job atomically (bianzhi/jobs.py). acks_late alone would ack it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Above the longest task, so an unacknowledged (acks_late) task is not redelivered while still running.
# Short connect timeouts: with Redis down a request gets its answer (job recorded, sent later) at once.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3, "socket_timeout": 10}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# The sweep re-dispatches jobs the broker never got and requeues runs dead past their limit (also:
# `manage.py sweep_jobs` from cron). Run exactly one `celery -A bianzhi beat`.
JOB_SWEEP_SECONDS = env.int("JOB_SWEEP_SECONDS", default=60)
POOL_SWEEP_SECONDS = env.int("POOL_SWEEP_SECONDS", default=24 * 3600)
RECTIFICATION_SWEEP_SECONDS = env.int("RECTIFICATION_SWEEP_SECONDS", default=24 * 3600)
CELERY_BEAT_SCHEDULE = {
    "sweep-jobs": {"task": "bianzhi.jobs.sweep", "schedule": float(JOB_SWEEP_SECONDS), "options": {"expires": JOB_SWEEP_SECONDS}},
    # 周转池: overdue loans and freezes about to end, once a day (idempotent: notifications carry keys)
    "sweep-pool": {"task": "scoring.tasks.pool_sweep_task", "schedule": float(POOL_SWEEP_SECONDS),
                   "options": {"expires": POOL_SWEEP_SECONDS}},
    # 整改: overdue items flagged and their liaisons reminded, once a day (idempotent: notifications carry keys)
    "sweep-rectification": {"task": "reports.followup.tasks.rectification_sweep_task",
                            "schedule": float(RECTIFICATION_SWEEP_SECONDS), "options": {"expires": RECTIFICATION_SWEEP_SECONDS}},
}
# Each kind of background job names its queue (bianzhi.jobs.Job.QUEUE: reports on "reports").
CELERY_TASK_DEFAULT_QUEUE = "default"

if REDIS_URL:
    # The cache only holds soft limits (the public forms' abuse counters): with Redis down it degrades to
    # "no limit" and logs, instead of failing the public form (bianzhi/cache.py); it fails fast, never hangs.
    CACHES = {"default": {"BACKEND": "bianzhi.cache.DegradingRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}

# ---------------------------------------------------------------------------------------------------------
# The product's own settings
# ---------------------------------------------------------------------------------------------------------
# Statistics of an anonymous form are shown only above this many answers.
SURVEY_MIN_RESPONSES_FOR_STATS = env.int("SURVEY_MIN_RESPONSES_FOR_STATS", default=5)
# 全覆盖: a unit not evaluated for this many years is listed as due (coverage page, next campaign's scope)
COVERAGE_YEARS = env.int("COVERAGE_YEARS", default=3)
# Public forms, per form and address and hour: above the soft limit answers are flagged, above the hard one
# refused. Generous, because a whole office may sit behind one NAT address.
SURVEY_IP_SOFT_LIMIT = env.int("SURVEY_IP_SOFT_LIMIT", default=300)
SURVEY_IP_HARD_LIMIT = env.int("SURVEY_IP_HARD_LIMIT", default=3000)
# ...and answers without our device cookie (the cheap way round "one answer per device"): refused above this.
SURVEY_IP_NO_DEVICE_LIMIT = env.int("SURVEY_IP_NO_DEVICE_LIMIT", default=10)
# An answer sheet filled faster than this many seconds a question is flagged 作答过快.
SURVEY_SECONDS_PER_QUESTION = env.float("SURVEY_SECONDS_PER_QUESTION", default=1.5)
# Behind a reverse proxy every request comes from the proxy's address: name the header it sets with the
# client's address (e.g. HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR whose last entry the proxy appended).
SURVEY_CLIENT_IP_HEADER = env.str("SURVEY_CLIENT_IP_HEADER", default="")
# Base URL printed in QR codes and public links (the public host of the office's intranet).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# The registry (编制台账): a vacancy lasting this many months is a long vacancy (长期空编); Excel uploads are
# refused above this size.
REGISTRY_LONG_VACANCY_MONTHS = env.int("REGISTRY_LONG_VACANCY_MONTHS", default=12)
REGISTRY_IMPORT_MAX_BYTES = env.int("REGISTRY_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Notifications are always in-app; they are also emailed (to users with an address) when this is on.
NOTIFICATIONS_BY_EMAIL = env.bool("NOTIFICATIONS_BY_EMAIL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="bianzhi@localhost")
# Uploaded files (self-assessment reports, evidence, photos): the largest accepted, in bytes.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Uploads stream to a temporary file past 2.5 MB and are refused past the largest file limit while they
# arrive (bianzhi.uploads.LimitedUploadHandler), never read whole into memory. Match the proxy's
# client_max_body_size / gunicorn's limits to UPLOAD_HARD_MAX_BYTES (README, "Deploying").
UPLOAD_HARD_MAX_BYTES = max(UPLOAD_MAX_BYTES, REGISTRY_IMPORT_MAX_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the non-file fields of a request
FILE_UPLOAD_HANDLERS = [
    "bianzhi.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Tests only (the fault tests' worker): seconds a job sleeps at each progress step, to be killed mid-run.
JOB_TEST_STEP_DELAY = env.float("JOB_TEST_STEP_DELAY", default=0)

# ---------------------------------------------------------------------------------------------------------
# Accounts and sign-in security (issue 17, 等保 2.0)
# ---------------------------------------------------------------------------------------------------------
# A password older than this many days must be replaced at the next sign-in; 0 turns expiry off.
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
# Office accounts (everyone but units' liaisons) are signed out after this many idle seconds; 0 = never.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=2 * 3600)
# No session outlives a working day (Django's default is two weeks).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
# One-time sign-in codes printed for new accounts and resets stay valid this many days.
SIGNIN_CODE_VALID_DAYS = env.int("SIGNIN_CODE_VALID_DAYS", default=14)
# Security audit records older than this are moved to an archive file by `manage.py security_audit_archive`.
SECURITY_AUDIT_RETENTION_DAYS = env.int("SECURITY_AUDIT_RETENTION_DAYS", default=180)
SECURITY_AUDIT_ARCHIVE_DIR = env.path("SECURITY_AUDIT_ARCHIVE_DIR", default=BASE_DIR / "var" / "audit-archive")
# django-axes: after AXES_FAILURE_LIMIT failures an account, and separately an address, is locked for
# AXES_COOLOFF_MINUTES (or until an administrator unlocks it on 账号管理).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "bianzhi.accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "bianzhi.accounts.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # our own security audit records every sign-in
AXES_VERBOSE = False
# Optional sign-in through the office's LDAP directory (pip install '.[ldap]'); off unless LDAP_SERVER_URI is
# set. The directory checks passwords; accounts and roles are still made on 账号管理.
LDAP_SERVER_URI = env.str("LDAP_SERVER_URI", default="")
if LDAP_SERVER_URI:
    from django_auth_ldap.config import LDAPSearch

    AUTHENTICATION_BACKENDS.insert(1, "bianzhi.accounts.ldap.OfficeLDAPBackend")
    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
    AUTH_LDAP_BIND_DN = env.str("LDAP_BIND_DN", default="")
    AUTH_LDAP_BIND_PASSWORD = env.str("LDAP_BIND_PASSWORD", default="")
    # Either a DN template ("uid=%(user)s,ou=people,dc=example,dc=gov") or a search base + filter.
    AUTH_LDAP_USER_DN_TEMPLATE = env.str("LDAP_USER_DN_TEMPLATE", default="") or None
    if not AUTH_LDAP_USER_DN_TEMPLATE:
        AUTH_LDAP_USER_SEARCH = LDAPSearch(
            env.str("LDAP_USER_SEARCH_BASE", default=""), 2,  # ldap.SCOPE_SUBTREE
            env.str("LDAP_USER_SEARCH_FILTER", default="(uid=%(user)s)"),
        )
    AUTH_LDAP_NO_NEW_USERS = True
    AUTH_LDAP_ALWAYS_UPDATE_USER = False  # names and roles are kept here

# Backups (`manage.py backup`): where archives go.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every render at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
