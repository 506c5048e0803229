"""The Celery application, configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("chtprograms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_task(name, args, kwargs, options, task=None, **kw):
    """CELERY_TASK_ROUTES: closeout reports go to a queue of their own, so that a long render
    never holds the digests queued behind it (a worker consumes each queue, see Procfile)."""
    from django.conf import settings

    if name.startswith("reports.") and settings.CLOSEOUT_REPORT_QUEUE:
        return {"queue": settings.CLOSEOUT_REPORT_QUEUE}
    return None


@app.task(name="config.ping")
def ping() -> str:
    """Round-trip check used by the health tests: the worker answers ``pong``."""
    return "pong"
