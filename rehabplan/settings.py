"""RehabPlan settings: one file, every deployment difference comes from the environment.

`.env.example` lists every variable. A `.env` file at the repository root is read when present.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-used-with-debug-off"  # noqa: S105 - refused whenever DEBUG is off
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG=0 never runs on the development key)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "accounts",
    "exercises",
    "programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rehabplan.middleware.RunnerTimezoneMiddleware",
]

ROOT_URLCONF = "rehabplan.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "rehabplan.wsgi.application"

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # The one-tap sign-in link sent by e-mail (django-sesame): single use, valid for SESAME_MAX_AGE seconds.
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = env.int("SESAME_MAX_AGE", default=15 * 60)
SESAME_ONE_TIME = True
# A physio's invitation link (accounts.care) works for this many days.
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programs:home"
LOGOUT_REDIRECT_URL = "programs:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RehabPlan <noreply@localhost>")

# Security: on by default whenever DEBUG is off; see README "Deployment checks" for what stays a warning.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# The throttles' counters live in the cache: one per process by default; production points CACHE_URL at Redis so
# every gunicorn worker counts together.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "rehabplan.api_schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, bounded in size and nesting (API_MAX_BODY_BYTES, API_MAX_JSON_DEPTH below).
    "DEFAULT_PARSER_CLASSES": ["rehabplan.parsers.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rehabplan.api.ApiPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "rehabplan.api.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rehabplan.api.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "writes": env.str("API_WRITE_RATE", default="120/minute"),
        "login": env.str("API_LOGIN_RATE", default="10/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "RehabPlan API",
    "DESCRIPTION": "Hamstring rehab and prevention programs for runners. Not a diagnosis.",
    "VERSION": "1.0.0",
    # Served from our own static files, so the docs page works offline and loads nothing from another host.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},  # the validator badge would call an outside host
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set that several components share (the plan's status, a decision's kind, km or mi).
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "programs.choices.PlanStatus",
        "PlanChangeKindEnum": "programs.choices.PlanChangeKind",
        "UnitsEnum": ("km", "mi"),
    },
}

# ---------------------------------------------------------------- Request limits and response headers
# Kept together: what a request may be, and the headers every response carries (README "Limits and headers").
# An API body over this many bytes is answered with a JSON 413 before it is read. Django's own limit (forms, and any
# body read whole: 2.5 MB by default) is kept at least as high, so an API client never meets Django's HTML 400.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# JSON nested deeper than this is a 400 before it is decoded; the deepest request body the API takes nests 4 levels.
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, API_MAX_BODY_BYTES)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "rehabplan.middleware.ApiBodyLimitMiddleware"
)
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # After authentication, so that it sees who is signed in (the API's token users included).
    "rehabplan.middleware.SignedInNoStoreMiddleware",
]
# No script but our own files: no inline <script>, no on…= attributes, no eval. Styles may be inline: the server-drawn
# SVG charts carry their own <style>, and the API docs page (Swagger UI) sets styles inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page needs a device feature but the screen staying awake during a hold timer (Today).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "screen-wake-lock": ["self"],
    "usb": [],
}

# Celery: Redis carries work only; the database is the source of truth (docs/design.md §1).
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = "UTC"
# An unacknowledged message goes back to the queue after this; no eta, countdown or retry delay may come near it,
# or Redis would hand the same task to a second worker while the first still holds it (system check programs.E003).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-reminders": {
        "task": "programs.tasks.reminders_dispatch_due",
        "schedule": 60.0,
    },
    "reschedule-unscheduled-reminders": {
        "task": "programs.tasks.reminders_reschedule_unscheduled",
        "schedule": crontab(minute=30),
    },
    "queue-physio-digests": {
        "task": "programs.tasks.physio_digests_queue",
        "schedule": crontab(minute=0),
    },
    "replan-plans-for-today": {
        "task": "programs.tasks.plans_replan_for_today",
        "schedule": 3600.0,
    },
}

# The hourly replan (programs.tasks.plans_replan_for_today) hands the plans due a replan to the workers in tasks of
# this many plans each.
REPLAN_CHUNK_SIZE = env.int("REPLAN_CHUNK_SIZE", default=200)

# Reminders (programs/reminders/dispatch.py, docs/reminders.md).
# Absolute links in e-mails and push messages (a Celery task has no request to build them from).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Reminders are asked of one send task in batches of this many: one broker message per batch.
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=500)
# A row a send task claimed but did not finish (its worker died) goes back to the queue after this.
REMINDER_LEASE_SECONDS = env.int("REMINDER_LEASE_SECONDS", default=600)
# A pending row whose send task has not run after this (Redis lost the message) is asked for again.
REMINDER_REENQUEUE_SECONDS = env.int("REMINDER_REENQUEUE_SECONDS", default=300)
# After an outage, today's reminder is still sent this long after its time; anything older is skipped.
REMINDER_CATCH_UP_HOURS = env.float("REMINDER_CATCH_UP_HOURS", default=3.0)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
# Retries wait 10 s, 20 s, 40 s… up to this, far below the broker's visibility timeout.
REMINDER_RETRY_BACKOFF_MAX = env.int("REMINDER_RETRY_BACKOFF_MAX", default=300)
# A plan change is told this long after it happens, so changes close together arrive as one message.
REMINDER_PLAN_CHANGE_DELAY_MINUTES = env.int("REMINDER_PLAN_CHANGE_DELAY_MINUTES", default=15)
# Web Push (VAPID): without keys, reminders go by e-mail only. `python manage.py vapid_keys` prints a pair.
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:noreply@localhost")

# Clinical defaults that docs/clinical-sources.md marks as configurable; see programs/clinical/rules.py for their sources.
REHAB_WEEKLY_DISTANCE_STEP = env.float("REHAB_WEEKLY_DISTANCE_STEP", default=0.10)
REHAB_TWO_WEEK_DISTANCE_LIMIT = env.float("REHAB_TWO_WEEK_DISTANCE_LIMIT", default=0.30)
REHAB_LIGHTER_WEEK_EVERY = env.int("REHAB_LIGHTER_WEEK_EVERY", default=4)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs seven progress lines at INFO for every PDF download; its warnings and errors still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
