"""The suite runs on the real services when the environment names them."""

import os

import pytest
from celery import Celery
from django.db import connection

from tests.services import redis_url, start_celery_worker, stop_process


@pytest.mark.django_db
def test_database_is_postgresql_when_database_url_says_so():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0]
    else:
        assert connection.vendor == "sqlite"


@pytest.mark.services
def test_a_real_celery_worker_on_redis_answers_a_task():
    url = redis_url()
    queue = f"roundtrip-{os.getpid()}"  # a queue of its own: no other consumer takes the task
    client_app = Celery("roundtrip", broker=url, backend=url)
    worker = start_celery_worker(
        {"CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url}, queues=queue
    )
    try:
        result = client_app.send_task("config.ping", queue=queue)
        try:
            answer = result.get(timeout=60)
        except Exception as error:  # keep the worker's log for the failure message
            answer = repr(error)
    finally:
        output = stop_process(worker)
    assert answer == "pong", output
    assert "config.ping" in output


def test_the_embedded_broker_keeps_all_its_folders_under_var():
    """`make run`'s filesystem transport, broadcast (pidbox) messages included, writes only under
    var/broker/, never a `control/` folder in the working directory."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout
    options = json.loads(out.strip().splitlines()[-1])
    folders = [options[k] for k in ("data_folder_in", "processed_folder", "control_folder")]
    assert all(Path(folder).is_relative_to(root / "var" / "broker") for folder in folders)


def test_closeout_reports_have_a_queue_of_their_own_and_digests_stay_on_the_default(settings):
    from config.celery_app import app

    settings.CLOSEOUT_REPORT_QUEUE = "reports"
    router = app.amqp.router
    for task in ("reports.render_closeout_report", "reports.email_closeout_report"):
        assert router.route({}, task)["queue"].name == "reports"
    for task in ("reminders.send_due_digests", "reminders.send_digest"):
        assert router.route({}, task)["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
