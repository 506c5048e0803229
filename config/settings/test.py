"""The test suite. DATABASE_URL / CELERY_BROKER_URL switch to PostgreSQL and Redis (CI does)."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-not-secret-cht-programs")
# Fast hashing: tests create many users. Argon2 itself is checked in tests/test_security.py.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# In memory, unless EMAIL_URL names a server (a real worker started by a test sends to a local
# SMTP server that way).
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,  # noqa: F405
    "socket_connect_timeout": 5,
    "socket_timeout": 30,
}
# Files the tests write (closeout reports…): a folder per pytest-xdist worker (`make test` runs
# two), so two workers never write the same path; the workers a test starts inherit it.
MEDIA_ROOT = env.path(
    "MEDIA_ROOT", default=VAR_DIR / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A worker started by a test consumes one queue of its own: the reports go there too.
CLOSEOUT_REPORT_QUEUE = env("CLOSEOUT_REPORT_QUEUE", default=CELERY_TASK_DEFAULT_QUEUE)  # noqa: F405
# Other features' tests sign staff in with force_login, without an authenticator app;
# tests/accounts/ turn the requirement on where they test it.
STAFF_MFA_REQUIRED = False
# CHT instances: the fake CHT servers of the tests listen on loopback. A fixed, test-only key.
INSTANCES_ALLOW_PRIVATE_ADDRESSES = env.bool("INSTANCES_ALLOW_PRIVATE_ADDRESSES", default=True)
INSTANCE_CREDENTIALS_KEY = env(
    "INSTANCE_CREDENTIALS_KEY", default="dGVzdC1vbmx5LWtleS1ub3Qtc2VjcmV0LTMyYnl0ZXM="
)
INSTANCES_CONNECT_TIMEOUT = 2.0
INSTANCES_READ_TIMEOUT = 2.0

# The data version moves at each write rather than at commit: a test's transaction never
# commits (core/data_version.py; tests/core/test_data_version.py checks the commit).
DATA_VERSION_AT_COMMIT = False
