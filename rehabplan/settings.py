"""RehabPlan settings: one file, every deployment difference comes from the environment.

`.env.example` lists every variable. A `.env` file at the repository root is read when present.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from rehabplan import response_headers

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
    "axes",
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
    # Right after the user is known: loading the session and the user is the first database read of a request.
    "rehabplan.database_outage.DatabaseUnavailableMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rehabplan.middleware.RunnerTimezoneMiddleware",
    # Last: it turns a login refused by the lockout into its answer (accounts.login_limits.lockout_response).
    "axes.middleware.AxesMiddleware",
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
_DATABASE_URL = env.str("DATABASE_URL", default="")  # set but empty counts as unset
DATABASES = {"default": env.db_url_config(_DATABASE_URL or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# --- Database connections (docs/deploy.md "PostgreSQL") ---
# Each process keeps its connection for CONN_MAX_AGE seconds instead of opening one per request; the health check
# tests a kept connection before a request uses it, so one broken by a PostgreSQL restart is replaced, not failed on.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# While PostgreSQL cannot be reached every request answers 503 with this Retry-After (rehabplan.database_outage).
DATABASE_RETRY_AFTER_SECONDS = env.int("DATABASE_RETRY_AFTER_SECONDS", default=10)
# The load balancer's probes (rehabplan/health.py) reach a web process directly over plain HTTP: no HTTPS redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every password (and sign-in link) check while its account or client address is locked out.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The one-tap sign-in link sent by e-mail (django-sesame): single use, valid for SESAME_MAX_AGE seconds.
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = env.int("SESAME_MAX_AGE", default=15 * 60)
SESAME_ONE_TIME = True
# A physio's invitation link (accounts.care) works for this many days.
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)

# Reverse proxies in front of the app that append to X-Forwarded-For; 0: the header is ignored and the client is the
# connection's address. Every limit reads the client this way (rehabplan/client_address.py).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# The login lockout (accounts/login_limits.py): this many wrong passwords for one account, or from one client address,
# refuse passwords there for LOGIN_LOCKOUT_MINUTES. Counted in the database, shared by every worker and host.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = "accounts.login_limits.lockout_parameters"
# The name every login passes the e-mail address to authenticate() under (Django's forms and the API alike); axes would
# otherwise look for USERNAME_FIELD ("email") and count the failures it records under an account it never checks.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.login_limits.login_username"
AXES_CLIENT_IP_CALLABLE = "rehabplan.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.login_limits.lockout_response"
# A lockout ends LOGIN_LOCKOUT_MINUTES after it began: tries while locked out (the owner's right password among them)
# neither extend it nor cost a database write.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures are kept (they are the count); successful logins are not recorded here.
AXES_DISABLE_ACCESS_LOG = True
# No banner on every command's start; failures and lockouts are still logged.
AXES_VERBOSE = False
# Account e-mails (sign-in links, password resets, invitations; accounts/mail_limits.py): at most this many an hour to
# one address, and caused by one client address or signed-in account. Counted in the shared cache (CACHE_URL).
MAIL_PER_ADDRESS_PER_HOUR = env.int("MAIL_PER_ADDRESS_PER_HOUR", default=5)
MAIL_PER_CLIENT_PER_HOUR = env.int("MAIL_PER_CLIENT_PER_HOUR", default=20)
# The runner's access log (accounts/access_log.py): a physio or staff member reading the same data again within this
# many minutes is one entry, so reloading a page does not fill the log. Every change is its own entry.
ACCESS_LOG_READ_MINUTES = env.int("ACCESS_LOG_READ_MINUTES", default=15)
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
if EMAIL_CONFIG.get("EMAIL_FILE_PATH"):
    # filemail:///var/mail is read as "var/mail": from the project, whichever directory a process starts in.
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(BASE_DIR / EMAIL_CONFIG["EMAIL_FILE_PATH"])
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="RehabPlan <noreply@localhost>")

# --- HTTPS (docs/deploy.md "HTTPS and HSTS") ---
# On by default whenever DEBUG is off, so that `check --deploy` with the production environment reports no issues.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Browsers then refuse plain HTTP to the app's host name, and to the names under it, for a year.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
# Off unless chosen: a preloaded domain is built into browsers and takes months to come out again.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# security.W021 only says that SECURE_HSTS_PRELOAD is off, which is the choice made just above, not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

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
    "NUM_PROXIES": NUM_PROXIES,
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
# No script but our own files, and no device feature but the screen staying awake (rehabplan/response_headers.py).
CONTENT_SECURITY_POLICY = response_headers.CONTENT_SECURITY_POLICY
PERMISSIONS_POLICY = response_headers.PERMISSIONS_POLICY

# Celery: Redis carries work only; the database is the source of truth (docs/design.md §1).
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

# --- The API's read cache (rehabplan/api_cache.py, docs/design.md "The API's read cache") ---
# The same Redis as the broker, its own database number; every entry is only a copy of what the database says.
API_CACHE_URL = env.str("API_CACHE_URL", default=urlunsplit(urlsplit(REDIS_URL)._replace(path="/2")))
# Entries that grant access (a token, a physio's patients) and a plan's facts are read again from the database this
# many seconds after they were cached, whatever happened to an invalidation.
API_CACHE_ACCESS_SECONDS = env.int("API_CACHE_ACCESS_SECONDS", default=60)
CACHES["api"] = {
    "BACKEND": "rehabplan.api_cache.ApiRedisCache",  # Django's RedisCache, one client per process
    "LOCATION": API_CACHE_URL,
    "KEY_PREFIX": env.str("API_CACHE_KEY_PREFIX", default="rehabplan-api"),
    "TIMEOUT": 24 * 3600,  # a rendered body is keyed by the plan's revision: it never goes stale, only unused
    # A Redis that does not answer costs a read a fraction of a second once, not seconds: the reads then skip the
    # cache for a while (rehabplan/api_cache.py) and go to the database. A write's invalidation, tried three times
    # after its commit, waits at most about two seconds for a Redis that does not answer at all.
    "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.25, "retry": Retry(NoBackoff(), 1)},
}
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# --- Celery and broker outages (docs/deploy.md "Redis") ---
# Workers and beat wait for Redis however long it is away (Celery's default gives up after 100 attempts), reconnecting
# at most every CELERY_BROKER_RETRY_MAX_INTERVAL seconds.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# --- Exactly one beat (rehabplan/beat.py, docs/deploy.md "Exactly one beat") ---
# Beat keeps its schedule and a lock in Redis; a second beat on any host waits for the lock instead of sending.
CELERY_BEAT_SCHEDULER = "rehabplan.beat.OneBeatScheduler"
# RedBeat's own settings go without the CELERY_ prefix: it looks for them among the configuration's keys, which list
# the Django settings under their own names.
REDBEAT_REDIS_URL = REDIS_URL
REDBEAT_KEY_PREFIX = env.str("BEAT_KEY_PREFIX", default="rehabplan:beat:")
# A waiting beat tries the lock this often; the holder's lock lapses this long after it stops extending it.
CELERY_BEAT_MAX_LOOP_INTERVAL = env.int("BEAT_MAX_INTERVAL", default=30)
REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT", default=150)
# Beat's own Redis calls wait for Redis however long it is away (one line a minute, rehabplan.logs).
REDBEAT_REDIS_OPTIONS = {"retry_period": -1}
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
    "filters": {"one_line_broker_outage": {"()": "rehabplan.logs.OneLineBrokerOutage"}},
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        # Beat logs one line per task it could not send while Redis is down (once a minute), not a stack trace.
        "celery.beat": {"filters": ["one_line_broker_outage"]},
    },
}

# --- Production checks (docs/deploy.md "Environment") ---
# With DEBUG off, a forgotten variable must not start the development setup (SQLite, a per-process cache, console
# e-mail, a loopback SITE_URL): on two hosts that would be two databases. ALLOW_LOCAL_SERVICES=1 lets a one-machine
# trial with DEBUG off (the benchmarks, Lighthouse) run on them anyway; a deployment never sets it.
if not DEBUG and not env.bool("ALLOW_LOCAL_SERVICES", default=False):
    from rehabplan.production_checks import production_setting_problems

    _problems = production_setting_problems(
        database_url=_DATABASE_URL,
        cache_backend=CACHES["default"]["BACKEND"],
        email_backend=EMAIL_CONFIG["EMAIL_BACKEND"],
        site_url=SITE_URL,
    )
    if _problems:
        raise ImproperlyConfigured("With DEBUG=0, " + "; ".join(_problems) + ".")
