"""Schemathesis over the whole schema: generated requests (valid and not) against every
operation, signed in with the program head's token, through the real Django WSGI application.
No answer may be a server error, and every answer must match the schema (status code, content
type, headers, body)."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def wsgi_app():
    """Django's own WSGI application. Like the test client, keep it from closing the test's
    database connection at the end of each request (it lives in the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, settings, wsgi_app):
    settings.API_TOKEN_RATE = "1000000/hour"
    # Identity: the WSGI transport hands the body over as sent, and does not undo gzip (the
    # JSON is gzipped for clients that accept it: tests/config/test_compression.py).
    headers = {
        "Authorization": f"Bearer {make_token(world['head'])}",
        "Accept-Encoding": "identity",
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    ids = world["ids"]
    schema.config.update(
        headers=headers,
        parameters={
            "slug": world["program"].slug,
            "activity_id": ids["activity"],
            "line_id": ids["line"],
            "expenditure_id": ids["expenditure"],
            "indicator_id": ids["indicator"],
            "risk_id": ids["risk"],
            "lesson_id": ids["lesson"],
            "instance_id": ids["instance"],
            "version": 1,
        },
    )
    return schema


@pytest.fixture(autouse=True)
def node_id_for_schemathesis(request):
    """Schemathesis 4.32 renames the test node through `_nodeid`, which pytest 9 no longer
    has: give it one (used for reporting only)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case):
    case.call_and_validate(checks=CHECKS)
