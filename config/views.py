"""`GET /healthz`: is the app up, can it reach its database and its broker?"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery_app import app as celery_app

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down"
        logger.exception("healthz: database check failed")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:  # kombu raises transport-specific errors
        logger.exception("healthz: broker check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    parts = {"database": _database_ok(), "broker": _broker_ok()}
    body = {"status": "ok" if all(parts.values()) else "error"}
    body.update({name: "ok" if ok else "down" for name, ok in parts.items()})
    return JsonResponse(body, status=200 if all(parts.values()) else 503)
