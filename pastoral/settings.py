"""Settings for Pastoral: every value comes from the environment (see README)."""

from __future__ import annotations

import json
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from pastoral.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Without SITE_URL, links follow the port the development server is told to use
# (`PORT=8101 make run`), so e-mailed links reach it. Set SITE_URL in production.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Pastoral: the core first, then the apps in import order.
    "pastoral",
    "pastoral.accounts",
    "pastoral.notifications",
    "pastoral.reports",
    "attendance",
    "behaviour",
    "safeguarding",
    "caseload",
    "provision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First, so that every event recorded while serving carries the request's facts.
    "pastoral.audit.context.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pastoral.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pastoral.middleware.SessionLifetimeMiddleware",
    "pastoral.middleware.CurrentSchoolMiddleware",
    "pastoral.middleware.LoginRequiredMiddleware",
    # Axes must be last: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pastoral.urls"
WSGI_APPLICATION = "pastoral.wsgi.application"
ASGI_APPLICATION = "pastoral.asgi.application"

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
                "pastoral.context_processors.pastoral",
            ],
            # `|ukdate` in every template (dates and ISO strings as `12 Jan 2027`)
            "builtins": ["pastoral.templatetags.pastoral_dates"],
        },
    }
]

# Database: SQLite file in the project unless DATABASE_URL says otherwise.
_database_url = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
except Exception as exc:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(f"Environment variable DATABASE_URL is invalid: {exc}")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# PostgreSQL through pgbouncer in transaction mode: a connection is the
# server's only for one transaction, so no server-side cursor may outlive it
# and no statement is prepared on the server (docs/scaling.md).
DATABASE_POOLER = env_str("DATABASE_POOLER", "")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(
        f"DATABASE_POOLER must be empty or pgbouncer (not {DATABASE_POOLER!r})."
    )
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pastoral.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: idle timeout and an absolute lifetime (pastoral.middleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
STEP_UP_MINUTES = env_int("STEP_UP_MINUTES", 15, minimum=1)
# How long an invitation or re-enrolment link works (days).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)

# django-axes: throttle and lock out failed sign-ins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
# UK dates everywhere (`12 Jan 2027`): pastoral/formats/en_GB/formats.py
FORMAT_MODULE_PATH = ["pastoral.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Attachments and generated reports: outside static/, never served directly.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(BASE_DIR / "var" / "private")))
# Where they live (pastoral/private_files.py): a folder (one node, or a shared
# network folder), the database (several nodes with only PostgreSQL), or a
# django-storages class such as storages.backends.s3.S3Storage with its options.
PRIVATE_STORAGE = env_str("PRIVATE_STORAGE", "filesystem")
_PRIVATE_BACKENDS = {
    "filesystem": "pastoral.private_files.PrivateFileSystemStorage",
    "database": "pastoral.private_files.DatabaseStorage",
}
if PRIVATE_STORAGE not in _PRIVATE_BACKENDS and "." not in PRIVATE_STORAGE:
    raise ImproperlyConfigured(
        "PRIVATE_STORAGE must be filesystem, database or a storage class's dotted path "
        f"(not {PRIVATE_STORAGE!r})."
    )
try:
    _PRIVATE_OPTIONS = json.loads(env_str("PRIVATE_STORAGE_OPTIONS", "{}"))
except ValueError as error:
    raise ImproperlyConfigured(f"PRIVATE_STORAGE_OPTIONS is not JSON: {error}") from error
STORAGES["private"] = {
    "BACKEND": _PRIVATE_BACKENDS.get(PRIVATE_STORAGE, PRIVATE_STORAGE),
    "OPTIONS": _PRIVATE_OPTIONS,
}
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
MEDIA_URL = "/not-served/"  # private files go only through permission-checked views
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20, minimum=1) * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 40, minimum=1) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
REPORT_EXPIRY_HOURS = env_int("REPORT_EXPIRY_HOURS", 24, minimum=1)

# The audit trail's MAC key (HMAC-SHA-256). Kept in the environment, never in
# the database: someone who can write to the database but has not got this key
# cannot forge a chain that verify_audit accepts. Required when DEBUG is off;
# in development a key is derived from SECRET_KEY. Rotating: set the new key in
# AUDIT_KEY and move the old one into AUDIT_PREVIOUS_KEYS (comma-separated), so
# that events signed with it still verify; the next event records the rotation.
AUDIT_KEY = env_str("AUDIT_KEY", "")
if not AUDIT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off.")
    AUDIT_KEY = "development-audit-key:" + SECRET_KEY
elif not DEBUG and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY must be at least 32 characters when DEBUG is off.")
AUDIT_PREVIOUS_KEYS = env_list("AUDIT_PREVIOUS_KEYS", [])
# Signed checkpoints of every chain's end, kept outside the database
# (pastoral/audit/checkpoints.py): a directory (ideally another disk or a
# write-once mount) and/or e-mail to each school's DSLs. Both may be set.
AUDIT_CHECKPOINT_DIR = env_str(
    "AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit-checkpoints") if DEBUG else ""
)
AUDIT_CHECKPOINT_EMAIL_DSLS = env_bool("AUDIT_CHECKPOINT_EMAIL_DSLS", False)
AUDIT_CHECKPOINT_HOUR = env_int("AUDIT_CHECKPOINT_HOUR", 2, minimum=0)
AUDIT_SEAL_SECONDS = env_int("AUDIT_SEAL_SECONDS", 5, minimum=1)

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process. In
# production (DEBUG off) REDIS_URL is required, so that PDFs, imports and
# reminders run in a Celery worker and never inside a web worker; a single small
# node may opt out knowingly with ALLOW_IN_PROCESS_TASKS=1.
REDIS_URL = env_str("REDIS_URL", "")
ALLOW_IN_PROCESS_TASKS = env_bool("ALLOW_IN_PROCESS_TASKS", False)
if not DEBUG and not REDIS_URL and not ALLOW_IN_PROCESS_TASKS:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off (Celery's broker: PDFs, imports and "
        "reminders run in a worker); set ALLOW_IN_PROCESS_TASKS=1 only for a single small node."
    )
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
# With a worker to give it to, every PDF is made there, never in a web worker
# (its memory and CPU stay the web's); without one, small reports are made in
# the request and large ones (REPORT_INLINE_MAX_ENTRIES) in-process too.
REPORTS_IN_WORKER = env_bool("REPORTS_IN_WORKER", not CELERY_TASK_ALWAYS_EAGER)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat schedule in settings, not django-celery-beat: the schedule is part of
# the code (reviewed, versioned, the same in every deployment), and beat needs
# no database table of its own. Running two beats by mistake is harmless: the
# jobs are idempotent (pastoral/notifications/services.py).
REMINDER_INTERVAL_MINUTES = env_int("REMINDER_INTERVAL_MINUTES", 15, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "run-reminders": {
        "task": "notifications.run_reminders",
        "schedule": REMINDER_INTERVAL_MINUTES * 60.0,
    },
    # Sweeps up urgent e-mails whose on-commit task was lost (broker down).
    "send-urgent-emails": {"task": "notifications.send_urgent_emails", "schedule": 300.0},
    "send-digests": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=env_int("DIGEST_HOUR", 7, minimum=0), minute=0),
    },
    # Generated reports: delete files past REPORT_EXPIRY_HOURS (pastoral/reports/tasks.py).
    "expire-reports": {"task": "reports.expire_reports", "schedule": 3600.0},
    # Read events are appended unsealed; this seals them into their school's chain.
    "audit-seal": {"task": "audit.seal", "schedule": float(AUDIT_SEAL_SECONDS)},
    "audit-checkpoint": {
        "task": "audit.checkpoint",
        "schedule": crontab(hour=AUDIT_CHECKPOINT_HOUR, minute=17),
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and env_bool("CACHE_USE_REDIS", True)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# E-mail.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pastoral@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"Environment variable LOG_LEVEL={LOG_LEVEL!r} is invalid")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Request logs carry URLs only: no case content is ever put in a URL.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
