"""The database connections suit an OLTP app: JIT off on PostgreSQL, persistent connections
checked before reuse."""

import pytest
from django.conf import settings
from django.db import connection

from tests.services import missing


def test_connections_persist_and_are_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    if connection.vendor != "postgresql":
        missing("PostgreSQL", "set DATABASE_URL=postgres://user@host:5432/name (CI does)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
