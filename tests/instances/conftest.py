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
