"""Settings for Chung Tay, read from environment variables (see .env.example).

With no environment at all this runs a development server on SQLite, so a fresh clone
works with `make run`; production sets DJANGO_SECRET_KEY, DATABASE_URL and DJANGO_DEBUG=0.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "auditlog",
    "axes",
    "django_htmx",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "chungtay.core",
    "chungtay.accounts",
    "chungtay.orgunits",
    "chungtay.tallies",  # the kept figures and the catalogue's machinery, below the domain apps
    "chungtay.campaigns",
    "chungtay.housing",
    "chungtay.funds",
    "chungtay.members",  # member organisations in movements, in-kind help (above campaigns and housing)
    "chungtay.evaluation",
    "chungtay.reports",
    "chungtay.figures",
    "chungtay.reorg",
    "chungtay.portal",
    "chungtay.api",
    "chungtay.frame",  # the signed-in home page and the menu, above every other app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chungtay.core.middleware.VietnameseFirstLocaleMiddleware",
    # Responses that do not say otherwise are `private, no-store`; public pages say `public` (portal.caching).
    "chungtay.portal.caching.PrivateByDefaultMiddleware",
    # With read replicas: a request that writes, and the same browser for a few seconds after, reads
    # from the primary (config/routers.py).
    "config.routers.ReadYourWritesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Office, board and admin roles must pass a TOTP second factor before anything else.
    "chungtay.accounts.twofactor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # One user action, one transaction: a refused POST/PUT/PATCH/DELETE writes nothing. Inside the
    # session and messages middleware, so a refusal's message is still kept (chungtay/core/transactions.py).
    "chungtay.core.transactions.AtomicActionMiddleware",
    # Every URL must be mapped to a rule in chungtay/core/access.py; unmapped views are refused.
    "chungtay.core.access.AccessMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chungtay.frame.context_processors.navigation",
            ],
            "builtins": ["chungtay.core.templatetags.vn", "chungtay.core.templatetags.access"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default (zero set-up); PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# pytest sets PYTEST_VERSION: the whole suite then runs against TEST_DATABASE_URL (PostgreSQL in CI).
if os.environ.get("PYTEST_VERSION") and os.environ.get("TEST_DATABASE_URL"):
    DATABASES["default"] = dj_database_url.parse(os.environ["TEST_DATABASE_URL"])
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: a page's queries are short, but one whose estimate passes jit_above_cost (a join
    # the planner thinks returns 500,000 rows, say) spent ~190 ms compiling before reading an empty
    # table (the pledge list, fund pages; issue 22). Set per connection, so the server's own default stays.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the dev server and the task worker from locking each other out.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so read-check-write services cannot interleave.
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (the scale-out path, config/routers.py): reads go to DATABASE_REPLICA_URLS (comma-
# separated), writes and the reads of a request that wrote (and of the same browser for
# REPLICA_PIN_SECONDS after) to the primary. Tests set TEST_REPLICA_URL (a streaming replica, .ci/replica).
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "10"))
_replica_urls = env_list("DATABASE_REPLICA_URLS")
if os.environ.get("PYTEST_VERSION"):
    _replica_urls = env_list("TEST_REPLICA_URL")
for _number, _url in enumerate(_replica_urls, start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0), conn_health_checks=True
    )
    if DATABASES[f"replica{_number}"]["ENGINE"] == "django.db.backends.postgresql":  # no JIT, as on the primary
        DATABASES[f"replica{_number}"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Tests: the replica holds the primary's test database (streamed), it is never created nor flushed.
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
REPLICA_DATABASES = [f"replica{n}" for n in range(1, len(_replica_urls) + 1)]
# Under pytest the router is installed by the replica tests alone (chungtay/core/tests/test_replicas.py):
# the rest of the suite reads what it has just written, on the primary.
DATABASE_ROUTERS = (
    ["config.routers.PrimaryReplicaRouter"] if REPLICA_DATABASES and not os.environ.get("PYTEST_VERSION") else []
)

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = False  # reset once every factor passed: accounts.twofactor.signed_in_fully
AXES_VERBOSE = False

# --- Language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chungtay.core.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"  # never served directly: uploads go through views that check access
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Background work (django-tasks; `manage.py db_worker` runs the queue) ---------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "reports", "imports", "reminders"],
    }
}
if os.environ.get("PYTEST_VERSION"):
    # Tests run a task as soon as it is enqueued; the worker itself is exercised separately.
    TASKS["default"]["BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"

# --- Follow-up (reports) ------------------------------------------------------------------------
# Overdue items are escalated to the unit above after this many days (manage.py send_reminders).
REMINDER_ESCALATE_AFTER_DAYS = int(os.environ.get("REMINDER_ESCALATE_AFTER_DAYS", "7"))
# The public address of the site, used for links in e-mails (no links without it).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Dashboards and public progress pages cache their subtree figures this long (0 = off).
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "60"))
# Once due, a figure is computed again by one request while the others serve the old value for up to
# FIGURES_STALE_SECONDS more; with no value at all, the others wait for it up to FIGURES_WAIT_SECONDS
# (core.figures: 50 users must not compute the same 1.5 s of figures on every worker at once).
FIGURES_STALE_SECONDS = int(os.environ.get("FIGURES_STALE_SECONDS", "600"))
FIGURES_WAIT_SECONDS = float(os.environ.get("FIGURES_WAIT_SECONDS", "10"))
# Public pages (portal.caching): browsers and nginx keep them PUBLIC_MAX_AGE seconds and may show them
# PUBLIC_STALE_SECONDS longer while fetching a new copy (a new receipt shows within the sum, ≤ 60 s);
# the rendered page is shared by every worker for PUBLIC_PAGE_CACHE_SECONDS (0 = off) until a write
# to kept figures commits.
PUBLIC_MAX_AGE = int(os.environ.get("PUBLIC_MAX_AGE", "30"))
PUBLIC_STALE_SECONDS = int(os.environ.get("PUBLIC_STALE_SECONDS", "30"))
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))
if os.environ.get("PYTEST_VERSION"):
    FIGURES_CACHE_SECONDS = 0
    PUBLIC_PAGE_CACHE_SECONDS = 0

# --- Shared cache -------------------------------------------------------------------------------
# Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/1) is shared by every gunicorn worker and server, so a
# figure is computed once and forgotten everywhere at once; without it each process keeps its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and not os.environ.get("PYTEST_VERSION"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "chungtay"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Tokens are knox's (hashed, expiring); a session counts only once it has passed the second
    # factor where one is needed, and the exception handler then says so in a 403 (issue 15).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "chungtay.api.authentication.ApiTokenAuthentication",
        "chungtay.api.authentication.TwoFactorSessionAuthentication",
    ],
    "EXCEPTION_HANDLER": "chungtay.api.authentication.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "60/minute")},
}
# API tokens (django-rest-knox): stored as SHA-512 digests, several per user, each expiring.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}
SPECTACULAR_SETTINGS = {
    # Swagger UI from the installed sidecar package, not a CDN: works offline and under our CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Chung Tay API",
    "DESCRIPTION": "Phong trào thi đua và hỗ trợ nhà ở — dữ liệu công khai và nghiệp vụ theo phân quyền.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # No deep links: Swagger UI puts each as a link inside the operation's button, a nested control that
    # keyboards and screen readers cannot reach (axe's nested-interactive). The address still works.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
}

# --- E-mail (console in development) --------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Chung Tay <no-reply@localhost>")

# --- Audit ----------------------------------------------------------------------------------
# Every model joins the audit log unless listed here: new apps are audited without remembering to.
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "sessions",
    "contenttypes",
    "admin",
    "axes",
    "auditlog",
    # Derived rows, rewritten by the system from audited data (tallies.rollup), and the job queue.
    "tallies.treehouses",
    "tallies.treeprogress",
    "tallies.treemoney",
    "tallies.treemonthmoney",
    "tallies.ownmoney",
    "tallies.ownmonthmoney",
    "tallies.stalefigures",
    # The fund's receipt count and sum (kept as receipts are saved) and the ledger's chain head
    # (moved by every posting): the receipts and journal entries they follow are audited themselves.
    "funds.receipttally",
    "funds.ledgerhead",
    # The funds' cash and bank book totals (funds.books.fold_books), folded from the audited entries.
    "funds.fundbooktally",
    "funds.fundbookmark",
    # Month-end figures kept for history (tallies.rollup), and the marks that invalidate them.
    "tallies.monthend",
    "tallies.monthendmark",
    "django_tasks_database",
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("password", "last_login", "digest", "token_key")  # API token secrets
# Private fields of households are masked in the audit log too (it is read by inspectors).
AUDITLOG_MASK_TRACKING_FIELDS = (
    "citizen_id",
    "phone",
    "address_detail",
    "health_note",
    "contact",
    "complainant_contact",
)
# Personal data of finished households is erased after this many years (manage.py personal_data purge).
PERSONAL_DATA_RETENTION_YEARS = int(os.environ.get("PERSONAL_DATA_RETENTION_YEARS", "5"))

# --- Content Security Policy (django-csp) ---------------------------------------------------
# No inline scripts anywhere (JS lives in static/js); style attributes are allowed for Bootstrap
# layouts. Map tiles come from OpenStreetMap; QR codes are data: URIs; blob: is the preview of a photo
# chosen on the progress form before it is uploaded (URL.createObjectURL).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Two-factor sign-in (django-otp, TOTP) ------------------------------------------------------
# Required for these roles in production; off by default in development so the demo logins work
# without an authenticator app. CHUNGTAY_REQUIRE_2FA=1 turns it on anywhere.
TWO_FACTOR_ROLES = ("admin", "office", "board")
REQUIRE_2FA = env_bool("CHUNGTAY_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Chung Tay"

# --- Production hardening (DJANGO_DEBUG=0) --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# Served over HTTPS (behind nginx): redirect http, secure cookies, HSTS. On by default with DEBUG off;
# `make run` sets DJANGO_HTTPS=0 for its plain http://127.0.0.1:8000 — a browser would otherwise be sent
# to https:// there and remember it (HSTS), and secure cookies would never come back over http.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
