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
