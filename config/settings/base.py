"""Settings shared by every environment. Values come from the environment (django-environ);
`.env` at the project root is read when present. `.env.example` lists every variable."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# --- core -------------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "django_htmx",
    "django_fsm",  # only for its `graph_transitions` command (docs/lifecycle.md)
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "simple_history",
    # Sign-in (accounts/): local accounts, OpenID Connect providers and MFA through allauth.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # The project's apps, in the order their models lean on each other (docs/architecture.md).
    "core",
    "accounts",
    "chtprograms",
    "personas",
    "lifecycle",
    "plan",
    "reminders",
    "reports",
    "portfolio",
    "calendars",
    "spreadsheets",
    "instances",
    "audit",
    "demo",
    # The REST API (api/): Django REST framework, django-filter, the OpenAPI schema and its docs.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed), above everything that builds pages:
    # HTML and JSON of GET requests, outside the sign-in and profile pages (core/compression.py).
    "core.compression.SafeGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "personas.preferences.PreferencesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    "accounts.middleware.ProviderFormActionMiddleware",
    "personas.sessions.SessionTimeoutMiddleware",
    "personas.sessions.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",
    # Who made a change, for the trail of every change (audit/).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "reminders.context_processors.notifications",
            ],
        },
    }
]

# --- database ---------------------------------------------------------------------------------
# Default: a SQLite file under var/, in WAL mode with IMMEDIATE transactions so that the web
# server and the worker can write side by side. DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An OLTP app: PostgreSQL's JIT compiles the few larger aggregates of the dashboard for
    # longer than they take to run (several times slower), so it is off for these connections.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 closes each at the end of its request), checked before
# each request reuses them. Connecting costs more than most of this app's requests.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)

# The pages worked out once per data version (core.data_version): in each process's memory by
# default; with CACHE_URL=redis://host:6379/1 every web worker serves the page one of them
# worked out after a change (Django's own Redis backend).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth and security ------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# "login" and "logout" name allauth's pages (/accounts/login/, /accounts/logout/): config/urls.py.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "chtprograms:home"
LOGOUT_REDIRECT_URL = "login"
# How long a password-reset link works (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

# django-axes: after AXES_FAILURE_LIMIT failed logins within AXES_COOLOFF_HOURS, lock out that
# username from that address, and that address for every username (spraying one password
# across accounts). A successful login from the address clears its count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True


def client_address_settings(trusted_proxies: int) -> dict:
    """Where django-axes (through django-ipware) reads the client's address.

    With no proxy: the connection's address (REMOTE_ADDR), and every forwarding header is ignored.
    Behind `trusted_proxies` proxies that each append the address they received the request from
    to X-Forwarded-For: the entry that many places from the right, the one the outermost trusted
    proxy wrote; whatever a client put to the left of it is ignored. A request carrying fewer
    entries (it did not come through the proxies) counts under its connection's address."""
    if trusted_proxies <= 0:
        return {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",)}
    return {
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
        "AXES_IPWARE_PROXY_ORDER": "left-most",
        # ipware counts the proxies listed in the header: the last one is the connection itself.
        "AXES_IPWARE_PROXY_COUNT": trusted_proxies - 1,
        # Not strict: a chain longer than expected (a client's own X-Forwarded-For in front) is
        # still read from the right instead of being discarded.
        "IPWARE_STRICT": False,
    }


# How many reverse proxies in front of gunicorn append to X-Forwarded-For (production: 1).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
globals().update(client_address_settings(TRUSTED_PROXY_COUNT))

# Sessions: ended after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_COOKIE_AGE
# seconds after login however busy (personas/sessions.py); pages for a logged-in person are sent
# with Cache-Control: no-store.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 3600)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=24 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- sign-in: allauth (local accounts, OpenID Connect providers, MFA); see accounts/conf.py --
from accounts.conf import *  # noqa: E402, F403

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only;
# no inline script, no inline style attribute or <style> element, no eval. Bootstrap's CSS draws
# its icons (select arrow, check box, close button) as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): the app uses none of these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}
# --- the REST API: authentication, throttling, pagination, the schema; see api/conf.py ---------
from api.conf import *  # noqa: E402, F403

# --- i18n -------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats by name (DATE_FORMAT, YEAR_MONTH_FORMAT…): English set here, French is Django's.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- e-mail -----------------------------------------------------------------------------------
# EMAIL_URL (e.g. smtp://user:pass@host:587/?tls=True) wins; otherwise EMAIL_HOST/EMAIL_PORT.
# Without either, e-mails are written as files under var/mail/.
EMAIL_FILE_PATH = VAR_DIR / "mail"
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CHT Programs <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------
# Default broker: kombu's filesystem transport under var/broker (no server needed).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default="filesystem://"))
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast (pidbox) messages: under var/ too, not in the working directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 600
if not CELERY_BROKER_URL.startswith("filesystem://"):
    # Redis redelivers a message its worker has not acknowledged after `visibility_timeout`
    # seconds: just above the hard time limit (a render never runs longer), so a task whose
    # worker died is done again within minutes, not after an hour, and a live one never twice.
    # Retry countdowns stay below it (REMINDER_RETRY_BACKOFF_MAX, reports.tasks).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
        # A web request that enqueues while Redis is down gives up in seconds (the row stays
        # queued in the database and the sweeper enqueues it later).
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
    }
# Enqueueing while the broker is down: a few quick tries, then the caller gets the error.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# Every hour, on the hour: each person's digest goes out at about 08:00 where they are.
CELERY_BEAT_SCHEDULE: dict = {
    "reminders-send-due-digests": {
        "task": "reminders.send_due_digests",
        "schedule": crontab(minute=0),
    },
}
# CHT instances: every INSTANCES_POLL_MINUTES the beat fans out one poll per instance onto the
# INSTANCES_QUEUE queue (its own worker, so a slow or dead server delays nothing else); once a
# day, snapshots older than INSTANCES_SNAPSHOT_FULL_DAYS are thinned to one a day.
INSTANCES_POLL_MINUTES = env.float("INSTANCES_POLL_MINUTES", default=15)
INSTANCES_QUEUE = env("INSTANCES_QUEUE", default="instances")
CELERY_BEAT_SCHEDULE["instances-poll-all"] = {
    "task": "instances.poll_all",
    "schedule": INSTANCES_POLL_MINUTES * 60.0,
}
# The sweeper (reliability): every DELIVERY_SWEEP_MINUTES, digests, closeout reports and their
# e-mails left unfinished for DELIVERY_STALE_AFTER seconds (a task lost with the broker, a
# worker killed, retries used up while the SMTP server was down) are queued again, at most
# DELIVERY_MAX_REQUEUES times each, then marked failed (shown in the admin, "send again" there).
DELIVERY_SWEEP_MINUTES = env.float("DELIVERY_SWEEP_MINUTES", default=5)
DELIVERY_STALE_AFTER = env.float("DELIVERY_STALE_AFTER", default=CELERY_TASK_TIME_LIMIT + 60)
DELIVERY_MAX_REQUEUES = env.int("DELIVERY_MAX_REQUEUES", default=3)
CELERY_BEAT_SCHEDULE["reminders-sweep-digests"] = {
    "task": "reminders.sweep_digests",
    "schedule": DELIVERY_SWEEP_MINUTES * 60.0,
}
CELERY_BEAT_SCHEDULE["reports-sweep"] = {
    "task": "reports.sweep_reports",
    "schedule": DELIVERY_SWEEP_MINUTES * 60.0,
}
CELERY_BEAT_SCHEDULE["instances-thin-snapshots"] = {
    "task": "instances.thin_snapshots",
    "schedule": crontab(hour=3, minute=17),
}
# Tests start a worker on a queue of their own; the tasks it enqueues must stay on that queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ROUTES = ("config.celery_app.route_task",)
# With acks_late, a worker that loses the broker stops what it runs (redelivered, not doubled).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# --- application ------------------------------------------------------------------------------
# The address of the site, for links in e-mails (no trailing slash).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Reminder e-mails: retries after an SMTP failure wait BACKOFF, 2×, 4×… seconds (at most
# BACKOFF_MAX: below the broker's visibility timeout, so a waiting retry is never redelivered).
REMINDER_MAX_RETRIES = env.int("REMINDER_MAX_RETRIES", default=6)
REMINDER_RETRY_BACKOFF = env.float("REMINDER_RETRY_BACKOFF", default=60)
REMINDER_RETRY_BACKOFF_MAX = env.float("REMINDER_RETRY_BACKOFF_MAX", default=540)
# A digest e-mail lists at most this many items (the most urgent), then the counts of at most
# this many programs (those with the most items); the rest is on the notifications page.
REMINDER_DIGEST_MAX_ITEMS = env.int("REMINDER_DIGEST_MAX_ITEMS", default=20)
REMINDER_DIGEST_MAX_PROGRAMS = env.int("REMINDER_DIGEST_MAX_PROGRAMS", default=20)
PORTFOLIO_REVIEWER_GROUP = "Portfolio reviewers"
# The apps whose records the cached pages show (the portfolio dashboard, the program list): a
# write to any of their tables moves the data version on (core/data_version.py). Who sees
# everything (staff, the reviewers' group) is decided on each request, so accounts need none.
DATA_VERSION_APPS = ("chtprograms", "personas", "lifecycle", "plan", "instances")
# `seed_demo` creates users with the README's password: production settings turn it off.
SEED_DEMO_ALLOWED = True
# Who may start a program: site staff, people who already head one, and this group's members.
PROGRAM_CREATOR_GROUP = env("PROGRAM_CREATOR_GROUP", default="Program creators")
# CHW support (4S): flag a program when one supervisor has more CHWs than this.
CHW_PER_SUPERVISOR_LIMIT = env.int("CHW_PER_SUPERVISOR_LIMIT", default=10)
# Closeout report: how long one PDF may take to render (below the worker's soft time limit);
# the Celery queue its tasks are sent to (`config.celery_app.route_task`; empty: the default).
CLOSEOUT_REPORT_TIME_LIMIT = env.float(
    "CLOSEOUT_REPORT_TIME_LIMIT", default=max(CELERY_TASK_SOFT_TIME_LIMIT - 30, 30)
)
CLOSEOUT_REPORT_QUEUE = env("CLOSEOUT_REPORT_QUEUE", default="reports")
# CHT instances (instances/): the addresses come from users, so private, loopback, link-local
# and reserved addresses are refused unless allowed (on-premises installs, tests).
INSTANCES_ALLOW_PRIVATE_ADDRESSES = env.bool("INSTANCES_ALLOW_PRIVATE_ADDRESSES", default=False)
INSTANCES_CONNECT_TIMEOUT = env.float("INSTANCES_CONNECT_TIMEOUT", default=5.0)
INSTANCES_READ_TIMEOUT = env.float("INSTANCES_READ_TIMEOUT", default=10.0)
INSTANCES_MAX_RESPONSE_BYTES = env.int("INSTANCES_MAX_RESPONSE_BYTES", default=1_000_000)
INSTANCES_SNAPSHOT_FULL_DAYS = env.int("INSTANCES_SNAPSHOT_FULL_DAYS", default=90)
# Fernet key(s) that encrypt the /api/v1/impact credentials at rest, comma-separated: the first
# encrypts, every one decrypts (rotation). Empty: credentials cannot be stored.
INSTANCE_CREDENTIALS_KEY = env("INSTANCE_CREDENTIALS_KEY", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Where this installation takes vulnerability reports, published at /.well-known/security.txt
# (RFC 9116): a "mailto:" or "https:" address. Empty: the file answers 404.
SECURITY_CONTACT = env("SECURITY_CONTACT", default="")
# The trail of every change (django-simple-history, audit/): read-only, never reverted from the
# admin; a history row is written in the same transaction as the change it records.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = False
