"""Settings for MDMA-AT Tutor, read from the environment with safe local defaults.

Environment variables (all optional for local use):
    DEBUG                  "1"/"true" to show debug pages; defaults to on only when SECRET_KEY is unset.
    SECRET_KEY             required whenever DEBUG is off; the app refuses to start without it.
    DATABASE_URL           e.g. postgres://user@127.0.0.1:5432/tutor; defaults to SQLite in the project folder.
    DATABASE_PREPARE_AFTER on PostgreSQL, how many runs of a statement on one connection before it is prepared
                           (default 2); "off" never prepares (behind a pooler in transaction mode that cannot
                           keep prepared statements, such as PgBouncer before 1.21).
    ALLOWED_HOSTS          comma-separated host names; defaults to localhost names when DEBUG is on.
    CSRF_TRUSTED_ORIGINS   comma-separated origins (https://tutor.example.org) when behind a proxy.
    TIME_ZONE              the site's time zone, the default for learners who have not chosen one.
    SECURE_SSL_REDIRECT    "1" to redirect plain HTTP to HTTPS in production.
    TRUSTED_PROXY          "1" when a TLS-terminating proxy sets X-Forwarded-Proto and X-Forwarded-For; never
                           otherwise, or any client could claim HTTPS or another address.
    REDIS_URL              e.g. redis://127.0.0.1:6379/0: the cache for sessions and throttling, shared by every
                           worker. Without it each process keeps its own in memory (fine for one developer).
    USER_CACHE_SECONDS     with REDIS_URL: how long a request's user may be read from the cache (default 300; 0
                           reads the database on every request).
    LOGIN_FAILURE_LIMIT, SIGN_UP_LIMIT_PER_HOUR, JOIN_CODE_LIMIT_PER_HOUR   throttling limits (see README).
    SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_STARTTLS, DEFAULT_FROM_EMAIL   outgoing email
                           (cohort invitations); without SMTP_HOST, messages are written to the console.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


_secret_key = os.environ.get("SECRET_KEY", "")
DEBUG = env_flag("DEBUG", default=not _secret_key)

if _secret_key:
    SECRET_KEY = _secret_key
elif DEBUG:
    # Only ever used on a developer's own machine: DEBUG is on and no key was given.
    SECRET_KEY = "django-insecure-local-development-only"
else:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "pgtrigger",
    "axes",
    "tutor.accounts",
    "tutor.catalog",
    "tutor.study",
    "tutor.progress",
    "tutor.cohorts",
    "tutor.interop",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Gzips HTML on its way out, after everything below has written it (BREACH: see the class).
    "tutor.web.middleware.HtmlCompressionMiddleware",
    # Before anything reads the body, the cookies or the database: NUL bytes, foreign charsets, HEAD.
    "tutor.web.middleware.RequestGuardMiddleware",
    "tutor.web.middleware.PrivateCacheMiddleware",
    "tutor.web.middleware.HtmxLoginRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the user held as itself once loaded (see the module).
    "tutor.accounts.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tutor.web.faults.DatabaseFaultMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tutor.urls"
CSRF_FAILURE_VIEW = "tutor.web.errors.csrf_failure"
WSGI_APPLICATION = "tutor.wsgi.application"

TEMPLATES = [
    {
        # Django's engine, each page's context emptied once rendered (see the module).
        "BACKEND": "tutor.web.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tutor.web.context_processors.site_urls",
                "tutor.web.csrf.csrf_once",
            ],
            "builtins": ["tutor.web.number_formats"],
            "libraries": {"site_assets": "tutor.web.static_files", "site_header": "tutor.web.site_header"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side; IMMEDIATE avoids lock upgrades failing mid-answer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    # A covering index's extra columns (INCLUDE) are PostgreSQL's; SQLite builds the same index without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, its health check of a kept connection made without a round trip when the server has said
    # nothing since (tutor/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "tutor.postgresql"
    # Parameters bound by the server rather than written into the SQL text by the driver (in Python, on every
    # query), and the statements a connection runs again prepared once: a page's queries are then neither parsed
    # nor planned again. A third of the database's time on the study page and the cohort dashboard (`make bench`).
    _prepare_after = os.environ.get("DATABASE_PREPARE_AFTER", "2").strip().lower()
    if _prepare_after != "off" and not (_prepare_after.isdigit() and int(_prepare_after) > 0):
        raise ImproperlyConfigured('DATABASE_PREPARE_AFTER must be a number of runs (1 or more) or "off".')
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if _prepare_after == "off" else int(_prepare_after),
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before a password is ever hashed.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with each request's user kept in the shared cache (USER_CACHE_SECONDS below).
    "tutor.accounts.backends.CachedUserBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Server-side sessions, so that logging out ends the session everywhere (a copied cookie stops working). Read from
# the cache, written through to the database: as fast as cookies on a hit, and they survive a cache restart.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "tutor.web.redis_cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tutor"}}
# Django's cached_db sessions, each read together with its user when the process knows whose it is.
SESSION_ENGINE = "tutor.accounts.sessions"
# How long a request's user may be read from the cache instead of the database (saves one query per request). Only
# with a cache every app server shares: the copy is dropped whenever the user is saved (tutor/accounts/backends.py).
USER_CACHE_SECONDS = int(os.environ.get("USER_CACHE_SECONDS", "300")) if REDIS_URL else 0
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tutor.web.static_files.RememberedUrlsStorage"},
}

if DEBUG:
    # In development static files come straight from static/ and the apps; no collectstatic needed.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# Spread review dates a little so that questions learned together do not all fall due together.
STUDY_FUZZ_INTERVALS = True

# Background tasks (fitting each learner's scheduler). TASKS=database queues them in the database for
# `manage.py db_worker` (production); the default queues nothing, and `manage.py refit_schedulers` fits in its own
# process, so `make run` needs no worker and no web request ever fits (docs/scheduler.md).
_tasks_backend = os.environ.get("TASKS", "").strip().lower()
if _tasks_backend not in {"", "dummy", "database"}:
    raise ImproperlyConfigured("TASKS must be 'database' or left unset.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if _tasks_backend == "database"
        else "django.tasks.backends.dummy.DummyBackend"
    }
}

# Email (cohort invitations). With SMTP_HOST set, mail goes out through that server; without it, each message is
# written to the console (the log of the process), so nothing is lost and nothing is attempted on a machine with no
# mail server.
_smtp_host = os.environ.get("SMTP_HOST", "").strip()
if _smtp_host:
    try:
        _smtp_port = int(os.environ.get("SMTP_PORT", "587"))
    except ValueError:
        raise ImproperlyConfigured("SMTP_PORT must be a port number.") from None
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": _smtp_port,
                "username": os.environ.get("SMTP_USERNAME", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": os.environ.get("SMTP_STARTTLS", "1") == "1",
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MDMA-AT Tutor <no-reply@localhost>")

CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
# The review and the updates the curriculum is checked against (kept beside the project, not in it).
TUTOR_SOURCE_DIR = Path(os.environ.get("TUTOR_SOURCE_DIR", BASE_DIR.parent / "shared" / "source"))

# A strict policy: everything from this origin only. Every script is a file of the site's own (no inline script,
# so no nonce: the policy is the same on every response).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Throttling. Log-in (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair waits AXES_COOLOFF_TIME; a right password resets the count. Counts live in Redis when there is one, else
# in the database (a per-process memory cache would let each worker count on its own).
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tutor.web.errors.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "tutor.web.throttle.client_address"
AXES_VERBOSE = False
# Sign-up and join codes (tutor.web.throttle): attempts per address, and per account for join codes, per hour.
SIGN_UP_LIMIT_PER_HOUR = int(os.environ.get("SIGN_UP_LIMIT_PER_HOUR", "10"))
JOIN_CODE_LIMIT_PER_HOUR = int(os.environ.get("JOIN_CODE_LIMIT_PER_HOUR", "20"))

# Only a configured proxy may say that a request came over HTTPS or from which address: without one, anyone could
# send X-Forwarded-Proto or X-Forwarded-For themselves.
TRUSTED_PROXY = env_flag("TRUSTED_PROXY", False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every reset at INFO; only lockouts (WARNING) are worth a line.
    "loggers": {"axes": {"level": "WARNING"}},
}
