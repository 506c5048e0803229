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
