"""`GET /healthz`: is the app up, can it reach its database and its broker? And
`/.well-known/security.txt`: where to report a vulnerability."""

import datetime
import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
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


@require_GET
def security_txt(request):
    """`/.well-known/security.txt` (RFC 9116): where this installation takes vulnerability
    reports (`SECURITY_CONTACT`, a mailto: or https: address). 404 while none is set."""
    contact = settings.SECURITY_CONTACT
    if not contact:
        raise Http404("No security contact is configured.")
    expires = timezone.now() + datetime.timedelta(days=180)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en, fr",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
