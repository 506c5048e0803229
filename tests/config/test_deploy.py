"""The production deploy, end to end: under `config.settings.production` on PostgreSQL, as the
Dockerfile and docker-compose.yml run it — collectstatic, check --deploy, migrate, then gunicorn
behind a (simulated) TLS proxy serving the login page, a program page to a logged-in person, and
the static files, compressed.

Skipped without PostgreSQL (DATABASE_URL must name one); a failure under REQUIRE_SERVICES=1."""

import html
import json
import os
import re
import secrets
import subprocess
import sys
from urllib.parse import urlencode, urlparse

import psycopg2
import pytest
from psycopg2 import sql

from tests.config.serving import environment, gunicorn, manage, request
from tests.services import ROOT, missing, port_open

pytestmark = pytest.mark.services

HOST = "programs.example.org"
# What the reverse proxy adds: the scheme it terminated, the address it received the request from.
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.23"}
PASSWORD = "Smoke-test-Passw0rd-" + secrets.token_hex(4)
CREATE_PROGRAM = f"""
import datetime
from django.contrib.auth import get_user_model
from chtprograms.models import Organization
from chtprograms.services import program_create
head = get_user_model().objects.create_user("smoke-head", "head@example.org", {PASSWORD!r})
ministry = Organization.objects.create(name="Ministry of Health", kind="ministry")
program = program_create(
    head=head, name="Kisumu CHV smoke test", slug="kisumu-smoke", program_type="accompanied",
    country="KE", lead_organization=ministry, planned_start=datetime.date(2027, 1, 1),
    planned_end=datetime.date(2027, 12, 31), currency="KES", goals="Goals", summary="Summary",
)
print(program.slug)
"""
STATIC_URL = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")

#: The sign-in page (django-allauth's; /login/ redirects there).
LOGIN = "/accounts/login/"


@pytest.fixture
def postgres_database():
    """A fresh database on the PostgreSQL server that DATABASE_URL names; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        missing(
            "PostgreSQL",
            "the production smoke test runs on PostgreSQL: "
            "set DATABASE_URL=postgres://user@host:5432/name (CI does)",
        )
    parsed = urlparse(url)
    if not port_open(parsed.hostname or "127.0.0.1", parsed.port or 5432):
        missing("PostgreSQL", f"nothing answers on {parsed.hostname}:{parsed.port or 5432}")
    name = f"{parsed.path.lstrip('/')}_deploy_smoke"[:63]
    server = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname="postgres",
    )
    server.autocommit = True
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    try:
        with server.cursor() as cursor:
            cursor.execute(drop)
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield parsed._replace(path=f"/{name}").geturl()
    finally:
        with server.cursor() as cursor:
            cursor.execute(drop)
        server.close()


def cookie(answer, name: str) -> str:
    """The value of a Set-Cookie, after checking the attributes a __Host- cookie must have."""
    for header in answer.set_cookies:
        if header.startswith(f"{name}="):
            attributes = [part.strip() for part in header.split(";")]
            assert "Secure" in attributes and "Path=/" in attributes, header
            assert not any(a.lower().startswith("domain=") for a in attributes), header
            return attributes[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {answer.set_cookies}")


def test_production_deploy_serves_login_program_page_and_compressed_static_files(
    postgres_database, tmp_path
):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": postgres_database,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BROKER_URL": "memory://",
        "TRUSTED_PROXY_COUNT": "1",
    }
    for command in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["check", "--deploy", "--fail-level", "WARNING"],
        ["migrate", "--noinput", "--verbosity", "0"],
    ):
        result = manage(*command, env=env)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    created = manage("shell", "-c", CREATE_PROGRAM, env=env)
    assert created.returncode == 0, created.stderr
    slug = created.stdout.strip().splitlines()[-1]

    with gunicorn(env) as port:
        # Plain HTTP (no X-Forwarded-Proto from the proxy) is sent to HTTPS.
        insecure = request(port, "GET", LOGIN, headers={"Host": HOST})
        assert insecure.status == 301
        assert insecure.header("Location") == f"https://{HOST}{LOGIN}"

        login_page = request(port, "GET", LOGIN, headers=PROXY_HEADERS)
        assert login_page.status == 200, login_page.text[:2000]
        assert "script-src 'self'" in login_page.header("Content-Security-Policy")
        assert "camera=()" in login_page.header("Permissions-Policy")
        assert "max-age=31536000" in login_page.header("Strict-Transport-Security")
        csrf_cookie = cookie(login_page, "__Host-csrftoken")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)[1]

        static = set(STATIC_URL.findall(login_page.text))
        assert any("favicon" in url for url in static), static
        logged_in = request(
            port,
            "POST",
            LOGIN,
            headers={
                **PROXY_HEADERS,
                "Cookie": f"__Host-csrftoken={csrf_cookie}",
                "Referer": f"https://{HOST}{LOGIN}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=urlencode(
                {"login": "smoke-head", "password": PASSWORD, "csrfmiddlewaretoken": token}
            ),
        )
        assert logged_in.status == 302, logged_in.text[:2000]
        session = cookie(logged_in, "__Host-sessionid")

        program_page = request(
            port,
            "GET",
            f"/programs/{slug}/",
            headers={**PROXY_HEADERS, "Cookie": f"__Host-sessionid={session}"},
        )
        assert program_page.status == 200, program_page.text[:2000]
        assert "Kisumu CHV smoke test" in html.unescape(program_page.text)
        assert "no-store" in program_page.header("Cache-Control")
        static |= set(STATIC_URL.findall(program_page.text))

        # Every static file of both pages resolves (hashed names from the manifest); text
        # files come compressed to a browser that accepts brotli or gzip.
        assert any(url.endswith(".css") for url in static)
        for url in sorted(static):
            plain = request(port, "GET", url, headers=PROXY_HEADERS)
            assert plain.status == 200, url
            assert "immutable" in plain.header("Cache-Control"), url
            for encoding in ("br", "gzip"):
                answer = request(
                    port, "GET", url, headers={**PROXY_HEADERS, "Accept-Encoding": encoding}
                )
                assert answer.status == 200, url
                if url.endswith((".css", ".js", ".svg")):
                    assert answer.header("Content-Encoding") == encoding, url
                    assert len(answer.body) < len(plain.body), url

        # docker-compose's healthcheck, word for word, pointed at this server.
        compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
        healthcheck = re.search(r'test: \["CMD", "python", "-c", "(.+)"\]', compose)[1]
        healthcheck = healthcheck.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        probe = subprocess.run(
            [sys.executable, "-c", healthcheck],
            env=environment(env),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert probe.returncode == 0, probe.stderr
        health = request(port, "GET", "/healthz", headers=PROXY_HEADERS)
        assert json.loads(health.body)["database"] == "ok"
