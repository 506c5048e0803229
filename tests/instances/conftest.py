import importlib
import socket

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(scope="session")
def cht_server_session():
    """A threaded HTTP server on loopback (a slow answer must not hold up the next request)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def cht_server(cht_server_session):
    cht_server_session.clear()
    yield cht_server_session
    cht_server_session.clear()


@pytest.fixture
def dead_url():
    """An address on loopback where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def cht_releases(request):
    """The release table seeded by the migration. A transactional test elsewhere in the run
    empties every table, the seeded rows too: put them back for the tests here that need them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from django.apps import apps

    from instances.models import CHTRelease

    if not CHTRelease.objects.exists():
        migration = importlib.import_module("instances.migrations.0002_seed_cht_releases")
        migration.seed(apps, None)
