"""The suite runs on the real services when the environment names them."""

import os

import pytest
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
    url = redis_url(db=14)
    from celery import Celery

    client_app = Celery("roundtrip", broker=url, backend=url)
    worker = start_celery_worker({"CELERY_BROKER_URL": url, "CELERY_RESULT_BACKEND": url})
    try:
        result = client_app.send_task("config.ping")
        assert result.get(timeout=60) == "pong"
    finally:
        output = stop_process(worker)
    assert "config.ping" in output
