"""Settings for AMMTC Tracker, read from the environment.

AMMTC_ENV selects the defaults: ``production`` (the default) demands SECRET_KEY and keeps DEBUG off;
``development`` (``make run``) and ``test`` (pytest) work with nothing set. A malformed value stops
the process at start-up instead of being ignored.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ammtc_tracker.languages import complete_languages

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("AMMTC_ENV", "production")
if ENVIRONMENT not in ("production", "development", "test"):
    raise ImproperlyConfigured(
        f"AMMTC_ENV must be production, development or test, not {ENVIRONMENT!r}."
    )
LOCAL = ENVIRONMENT in ("development", "test")

DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not LOCAL:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (or set AMMTC_ENV=development)."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if LOCAL else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "ammtc_tracker",
    "priorities",
    "reports",
    # Last, so that the project's templates override the built-in widget templates.
    "django.forms",
]

MIDDLEWARE = [
    # First, so that its one line per request sees the final status and the whole time taken.
    "ammtc_tracker.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ammtc_tracker.middleware.SessionIdleTimeoutMiddleware",
    "ammtc_tracker.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body (CSRF, forms, DRF parsers read it after every __call__ ran).
    "ammtc_tracker.middleware.RequestLimitsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Widgets render through TEMPLATES, so that templates/ can fix a widget's markup (see
# templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "ammtc_tracker.urls"
WSGI_APPLICATION = "ammtc_tracker.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# An optional read replica (a hot standby) for read-only API lists and documents; writes and
# everything else use "default". See ammtc_tracker/db_routers.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASE_ROUTERS = ["ammtc_tracker.db_routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ammtc_tracker.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The admin permissions each role carries (ammtc_tracker/roles.py).
    "ammtc_tracker.roles.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    # PBKDF2 costs about half a second per check on these machines; tests log in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
# Each language under its own name, so that a reader finds theirs in the switcher.
ALL_LANGUAGES = [("en", "English"), ("id", "Bahasa Indonesia"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Only languages whose catalog is complete are offered and activated (ammtc_tracker/languages.py).
LANGUAGES = complete_languages(ALL_LANGUAGES, default=LANGUAGE_CODE, locale_dir=LOCALE_PATHS[0])
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
# "29 Dec 2026" and "29 Dec 2026, 14:05 WIB" everywhere (ammtc_tracker/formats/en/formats.py).
FORMAT_MODULE_PATH = ["ammtc_tracker.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if LOCAL
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Evidence files (and issued documents): the filesystem under MEDIA_ROOT, or S3-compatible object
# storage shared by every app server. Credentials come from boto3's usual sources
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role).
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "location": os.environ.get("S3_PREFIX", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            # Stored names are random and never reused; an existing object is never replaced.
            "file_overwrite": False,
            "default_acl": None,
        },
    }
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}."
    )

# --- Request limits (ammtc_tracker/middleware.py refuses a larger body with 413 before reading it;
# the front proxy's body limit, e.g. nginx client_max_body_size, should match REQUEST_MAX_BYTES).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# The offline workbook and the work-plan import (XLSX or CSV): largest file read.
SPREADSHEET_MAX_BYTES = env_int("SPREADSHEET_MAX_BYTES", 5 * 1024 * 1024)
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", 32 * 1024 * 1024)
# Bodies that are not multipart (JSON, forms) are read into memory: this is their limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Shared state: cache, API throttles, login lockouts, sessions ------------------------------
# Throttles, lockouts and sessions must be shared by every app server and worker: Redis when
# REDIS_URL is set, else the database cache in production (run `manage.py createcachetable`);
# local memory (one per process) only in development and tests.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's RedisCache, keeping one client object instead of building one per operation.
    CACHES = {"default": {"BACKEND": "ammtc_tracker.cache.RedisCache", "LOCATION": REDIS_URL}}
elif LOCAL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "ammtc_tracker.cache.DatabaseCache",
            "LOCATION": "ammtc_cache",
            # Django's 300 would cull throttle counts and cached tokens of a busy day.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Proxies in front of the app that append to X-Forwarded-For (nginx: 1). Throttles count per client
# address; with 0 every client behind a proxy would share the proxy's address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# API requests per client (429 with Retry-After past them); failed tokens count per address.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "10000/hour" if LOCAL else "1200/hour")
API_ANON_THROTTLE_RATE = os.environ.get(
    "API_ANON_THROTTLE_RATE", "10000/hour" if LOCAL else "300/hour"
)
API_FAILED_TOKEN_RATE = os.environ.get("API_FAILED_TOKEN_RATE", "20/hour")
# Days a personal API token works after it was created; 0: until revoked.
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 0)

# Login lockout (django-axes, in the database, so shared by every server): after
# LOGIN_FAILURE_LIMIT failures for a user name, that user name is locked for LOGIN_LOCKOUT_MINUTES,
# on the site's and the admin's login alike, whether or not the account exists.
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLED", default=True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to lock addresses too. Deliberately not: ministries log in from behind one NAT
# address (or, without TRUSTED_PROXY_COUNT, everyone shares the proxy's), and five typos there
# would lock out a whole office. Per user name, rotating addresses or user agents gains nothing.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ammtc_tracker.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "ammtc_tracker.api_limits.client_ip"
AXES_VERBOSE = False

# Sessions end after SESSION_IDLE_MINUTES without a request (ammtc_tracker/middleware.py renews
# them at most every few minutes, not on every request).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60

# --- E-mail (password reset and set-password links) ---------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if LOCAL
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AMMTC Tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 72) * 3600

# --- HTTPS: on by default in production; `check --deploy` passes with the README's values
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not LOCAL)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not LOCAL)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if LOCAL else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes over plain HTTP; an HTTPS redirect would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# One line per request and per workflow step (ammtc_tracker/logs.py); json for log shippers.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # ISO 8601 in UTC
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; failures and lockouts come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Named in every message that refuses a submission, so an official knows whom to ask.
SECRETARIAT_CONTACT = os.environ.get("SECRETARIAT_CONTACT", "the ASEAN Secretariat")

# --- Dashboard, notifications and reminders ------------------------------------------------------
# Shows the figures of accepted reports to anonymous visitors too (the home page).
PUBLIC_DASHBOARD = env_bool("PUBLIC_DASHBOARD", default=False)


def site_url():
    """The address e-mails link to, without a trailing slash: SITE_URL, else the first host."""
    value = os.environ.get("SITE_URL", "")
    if not value:
        hosts = [h for h in ALLOWED_HOSTS if h != "*" and not h.startswith(".")]
        if LOCAL:
            return "http://127.0.0.1:8000"
        return f"https://{hosts[0]}" if hosts else ""
    if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", value):
        raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {value!r}.")
    return value.rstrip("/")


SITE_URL = site_url()


def env_days(name, default):
    """Whole days, comma-separated, e.g. "30,7,1"; returned largest first."""
    value = os.environ.get(name)
    if value is None or value == "":
        return sorted(default, reverse=True)
    try:
        days = sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True)
    except ValueError:
        days = []
    if not days or days[-1] < 1:
        raise ImproperlyConfigured(
            f"{name} must be whole days of 1 or more, comma-separated (e.g. 30,7,1), not {value!r}."
        )
    return days


# send_reminders e-mails officials this many days before a cycle's deadline, and once after it.
REMINDER_DAYS_BEFORE = env_days("REMINDER_DAYS_BEFORE", [30, 7, 1])
# How the secretariat hears of submitted reports: "each" (one e-mail per report), "daily" (one
# digest a day, sent by send_reminders) or "off".
SUBMISSION_NOTICES = os.environ.get("SUBMISSION_NOTICES", "each")
if SUBMISSION_NOTICES not in ("each", "daily", "off"):
    raise ImproperlyConfigured(
        f"SUBMISSION_NOTICES must be each, daily or off, not {SUBMISSION_NOTICES!r}."
    )

# Locally, serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = LOCAL
WHITENOISE_AUTOREFRESH = LOCAL
# In production only the hashed names are served ({% static %} gives them), and source maps, read
# by developer tools alone, are not compressed: collectstatic takes seconds instead of a minute.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br"),
    *("swf", "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4"),
    *("mpeg", "mpg", "webm", "wmv", "map"),
]

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes anonymous requests answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ammtc_tracker.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ammtc_tracker.api_limits.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["ammtc_tracker.api_renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["ammtc_tracker.api_limits.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ammtc_tracker.api_limits.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "ammtc_tracker.api_filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "ammtc_tracker.api_filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "ammtc_tracker.throttles.UserThrottle",
        "ammtc_tracker.throttles.AnonThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "ammtc_tracker.api.AutoSchema",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "ammtc_tracker.api_limits.ContentNegotiation",
    "EXCEPTION_HANDLER": "ammtc_tracker.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "AMMTC Tracker API",
    "DESCRIPTION": (
        "Implementation status of the ASEAN-Japan Work Plan to Combat Transnational Crime "
        "2023-2027: the work plan, reporting cycles, progress reports and their workflow. "
        "Authenticate with a personal token from your profile page: `Authorization: Token <key>`."
    ),
    "VERSION": "1.1.2",  # the README's "API changelog" says what changed
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ammtc_tracker.api.strict_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "WorkflowStatusEnum": "reports.models.ProgressReport.Status",
        "ImplementationStatusEnum": "reports.models.ProgressReport.Implementation",
        "DatePrecisionEnum": "priorities.dates.DatePrecision",
    },
}
