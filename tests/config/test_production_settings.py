"""What `config.settings.production` decides, read in a process of its own (settings load once)."""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.services import ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3" * 30 + "-production-like-random-value",
    "DJANGO_ALLOWED_HOSTS": "programs.example.org",
    "DATABASE_URL": "sqlite:////tmp/cht-production-settings.sqlite3",
}


def manage(*args, env=None, check=False):
    environment = {**os.environ, **PRODUCTION_ENV, **(env or {})}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def production_settings(*names, env=None) -> dict:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_trusts_one_proxy_by_default():
    values = production_settings(
        "TRUSTED_PROXY_COUNT",
        "SECURE_PROXY_SSL_HEADER",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        "AXES_IPWARE_PROXY_COUNT",
    )
    assert values == {
        "TRUSTED_PROXY_COUNT": 1,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        "AXES_IPWARE_PROXY_COUNT": 0,
    }


def test_without_a_proxy_production_believes_no_forwarded_header():
    values = production_settings(
        "SECURE_PROXY_SSL_HEADER",
        "AXES_IPWARE_META_PRECEDENCE_ORDER",
        env={"TRUSTED_PROXY_COUNT": "0"},
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": None,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"],
    }


def test_compose_publishes_gunicorn_on_the_hosts_loopback_only():
    """Published on every interface, anyone could reach gunicorn past the proxy and forge
    X-Forwarded-Proto and X-Forwarded-For."""
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    published = re.findall(r"^\s*ports:\n((?:\s+- .+\n)+)", compose, re.MULTILINE)
    entries = [line.strip()[2:].strip("\"'") for block in published for line in block.splitlines()]
    assert entries == ["127.0.0.1:8000:8000"]
    assert "TRUSTED_PROXY_COUNT: ${TRUSTED_PROXY_COUNT:-1}" in compose


@pytest.mark.parametrize("override", [{}, {"TRUSTED_PROXY_COUNT": "0"}])
def test_production_settings_pass_check_deploy(override):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=override)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_carry_the_host_prefix():
    values = production_settings(
        "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"
    )
    assert values == {
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_seed_demo_refuses_to_run_under_production_settings():
    result = manage("seed_demo", "--programs", "0")
    assert result.returncode != 0
    assert "seed_demo does not run under production settings" in result.stderr


def test_production_refuses_the_published_demo_password():
    from demo.management.commands.seed_demo import DEMO_PASSWORD

    script = (
        "from django.contrib.auth.password_validation import validate_password\n"
        "from django.core.exceptions import ValidationError\n"
        f"for candidate in ({DEMO_PASSWORD!r}, 'Meru-clinic-rota-71'):\n"
        "    try:\n"
        "        validate_password(candidate)\n"
        "        print(candidate, 'accepted')\n"
        "    except ValidationError as error:\n"
        "        print(candidate, 'refused:', ' '.join(error.messages))\n"
    )
    result = manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-2:]
    assert lines[0] == (
        f"{DEMO_PASSWORD} refused: This password is published in the CHT Programs "
        "documentation. Choose another."
    )
    assert lines[1] == "Meru-clinic-rota-71 accepted"


def test_the_image_build_leaves_out_secrets_and_local_state():
    """`COPY . .` in the Dockerfile would otherwise bake .env and the demo database (with its
    published password) into the image, and a stale staticfiles/ over the build's own."""
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", "var", "staticfiles", ".git"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "manage.py collectstatic --noinput" in dockerfile
