"""The careful GET (instances/fetch.py) against real servers on loopback: the address check,
the Host header and single resolution, TLS verification, redirects, limits and timeouts."""

import datetime
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer

from instances import fetch

from .fakecht import Streamed, monitoring, slow

LIMITS = {"connect_timeout": 1.0, "read_timeout": 1.0, "max_bytes": 1_000_000}


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 — an address to refuse, nothing binds to it
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_allowed(address):
    assert not fetch.address_allowed(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "41.89.64.1", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address):
    assert fetch.address_allowed(address)


def test_a_private_address_is_refused_before_any_connection_unless_allowed(cht_server):
    cht_server.expect_request("/api/v2/monitoring").respond_with_json(monitoring())
    url = cht_server.url_for("/api/v2/monitoring")
    refused = fetch.fetch_json(url, allow_private=False, **LIMITS)
    assert refused.outcome == fetch.UNREACHABLE
    assert "127.0.0.1" in refused.error and "INSTANCES_ALLOW_PRIVATE_ADDRESSES" in refused.error
    assert cht_server.log == []  # nothing was sent

    by_name = fetch.fetch_json(url.replace("127.0.0.1", "localhost"), allow_private=False, **LIMITS)
    assert by_name.outcome == fetch.UNREACHABLE and "private" in by_name.error
    assert cht_server.log == []

    allowed = fetch.fetch_json(url, allow_private=True, **LIMITS)
    assert allowed.outcome == fetch.OK
    assert allowed.data["version"]["app"] == "4.12.0"


def test_the_checked_address_is_the_one_connected_to_with_the_name_in_the_host_header(
    cht_server, monkeypatch
):
    """One resolution per request, then a connection to that address: a second DNS answer
    (rebinding) is never asked for."""
    port = cht_server.port
    calls = []
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):
        calls.append(host)
        if host == "cht.example.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    cht_server.expect_request(
        "/api/v2/monitoring", headers={"Host": f"cht.example.test:{port}"}
    ).respond_with_json(monitoring("5.2.0"))
    found = fetch.fetch_json(
        f"http://cht.example.test:{port}/api/v2/monitoring", allow_private=True, **LIMITS
    )
    assert found.outcome == fetch.OK, found.error
    assert found.address == "127.0.0.1"
    # The only name looked up is the instance's (the connection then uses the address).
    assert [host for host in calls if not host[0].isdigit()] == ["cht.example.test"]
    assert set(calls) <= {"cht.example.test", "127.0.0.1"}


def test_a_name_that_does_not_resolve_is_unreachable():
    found = fetch.fetch_json("https://no-such-host.invalid/api", allow_private=False, **LIMITS)
    assert found.outcome == fetch.UNREACHABLE
    assert "does not resolve" in found.error


def self_signed(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_tls_is_verified_a_self_signed_certificate_is_refused(tmp_path):
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    try:
        server.expect_request("/api/v2/monitoring").respond_with_json(monitoring())
        found = fetch.fetch_json(
            f"https://localhost:{server.port}/api/v2/monitoring", allow_private=True, **LIMITS
        )
    finally:
        server.clear()
        server.stop()
    assert found.outcome == fetch.UNREACHABLE
    assert "certificate" in found.error.lower()


def test_redirects_are_not_followed(cht_server):
    cht_server.expect_request("/login-proxy/api/v2/monitoring").respond_with_data(
        "", status=302, headers={"Location": "/medic/login?redirect=%2Fapi%2Fv2%2Fmonitoring"}
    )
    cht_server.expect_request("/moved/api/v2/monitoring").respond_with_data(
        "", status=301, headers={"Location": "https://elsewhere.example.org/api/v2/monitoring"}
    )
    login = fetch.fetch_json(
        cht_server.url_for("/login-proxy/api/v2/monitoring"), allow_private=True, **LIMITS
    )
    moved = fetch.fetch_json(
        cht_server.url_for("/moved/api/v2/monitoring"), allow_private=True, **LIMITS
    )
    assert (login.outcome, login.http_status) == (fetch.LOGIN_REDIRECT, 302)
    assert "/medic/login" in login.error
    assert (moved.outcome, moved.http_status) == (fetch.NOT_CHT, 301)
    assert "elsewhere.example.org" in moved.error
    assert len(cht_server.log) == 2  # neither Location was fetched


def test_a_body_over_the_limit_is_not_read_to_its_end(cht_server):
    endless = Streamed(100 * 1024 * 1024)
    cht_server.expect_request("/big").respond_with_handler(endless)
    found = fetch.fetch_json(cht_server.url_for("/big"), allow_private=True, **LIMITS)
    assert found.outcome == fetch.NOT_CHT
    assert "limit" in found.error
    # The server stopped soon after the client hung up: far from 100 MB.
    assert endless.sent < 20 * 1024 * 1024


def test_a_declared_length_over_the_limit_is_refused_without_reading(cht_server):
    declared = Streamed(100 * 1024 * 1024, declare_length=True)
    cht_server.expect_request("/declared").respond_with_handler(declared)
    found = fetch.fetch_json(cht_server.url_for("/declared"), allow_private=True, **LIMITS)
    assert found.outcome == fetch.NOT_CHT
    assert "104,857,600 bytes" in found.error


def test_a_slow_answer_times_out(cht_server):
    cht_server.expect_request("/slow").respond_with_handler(slow(2.0))
    found = fetch.fetch_json(
        cht_server.url_for("/slow"),
        allow_private=True,
        connect_timeout=1.0,
        read_timeout=0.3,
        max_bytes=1000,
    )
    assert found.outcome == fetch.UNREACHABLE
    assert "Timed out" in found.error


def test_credentials_are_not_sent_in_clear_text_to_a_public_address(monkeypatch):
    """Checked without traffic: the request is built, then refused before sending."""
    seen = {}

    def fake_stream(self, method, url, *, headers=None, auth=None, extensions=None):
        seen["auth"] = auth
        raise fetch.httpx.ConnectError("stopped by the test")

    monkeypatch.setattr(fetch.httpx.Client, "stream", fake_stream)
    monkeypatch.setattr(
        fetch, "resolve", lambda host, port, *, timeout, allow_private: "41.89.64.1"
    )
    fetch.fetch_json(
        "http://cht.example.org/api/v1/impact", allow_private=False, auth=("u", "p"), **LIMITS
    )
    assert seen["auth"] is None
    fetch.fetch_json(
        "https://cht.example.org/api/v1/impact", allow_private=False, auth=("u", "p"), **LIMITS
    )
    assert seen["auth"] == ("u", "p")
