"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

from config.broker import patch_redis_transport

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# kombu's Redis transport stops a busy worker that loses Redis (config/broker.py says why).
patch_redis_transport()

app = Celery("chtprograms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_task(name, args, kwargs, options, task=None, **kw):
    """CELERY_TASK_ROUTES: closeout reports and CHT instance polls go to queues of their own,
    so that a long render or a slow CHT server never holds the digests queued behind them (a
    worker consumes each queue, see Procfile)."""
    from django.conf import settings

    if name.startswith("reports.") and settings.CLOSEOUT_REPORT_QUEUE:
        return {"queue": settings.CLOSEOUT_REPORT_QUEUE}
    if name == "instances.poll_instance" and settings.INSTANCES_QUEUE:
        return {"queue": settings.INSTANCES_QUEUE}
    return None


@app.task(name="config.ping")
def ping() -> str:
    """Round-trip check used by the health tests: the worker answers ``pong``."""
    return "pong"
