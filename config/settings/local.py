"""`make run` and local development: debug on, SQLite and the filesystem broker by default.

Static files are served as in production: `make run` collects them into STATIC_ROOT, compressed
(brotli and gzip) by WhiteNoise, which serves the compressed copy to browsers that accept it.
After changing a file under static/, run `python manage.py collectstatic` (or `make run` again)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-dev-only-not-secret-cht-programs")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# From STATIC_ROOT, where the compressed copies are, not from the source folders.
WHITENOISE_USE_FINDERS = False
