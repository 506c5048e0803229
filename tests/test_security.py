import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import UserFactory
from tests.services import ROOT

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7" * 30 + "-production-like-random-value",
    "DJANGO_ALLOWED_HOSTS": "programs.example.org",
    "DATABASE_URL": "sqlite:////tmp/cht-check-deploy.sqlite3",
}


def run_manage(*args, env):
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "a" * 50}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must not be true"),
    ],
)
def test_production_refuses_to_start_insecurely(override, message):
    result = run_manage("check", env={**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_passwords_are_hashed_with_argon2_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert make_password("s3cret-Passw0rd", hasher="argon2").startswith("argon2$")


def test_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names


@pytest.mark.django_db
def test_login_locks_out_after_repeated_failures(client):
    UserFactory(username="amina")
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"login": "amina", "password": "wrong"})
    response = client.post(url, {"login": "amina", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


@pytest.mark.django_db
def test_login_works_and_forms_require_csrf():
    from django.test import Client

    UserFactory(username="fatou")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("login"), {"login": "fatou", "password": "correct-horse-battery"}
    )
    assert response.status_code == 403  # no CSRF token
    page = strict.get(reverse("login"))
    token = page.cookies["csrftoken"].value
    response = strict.post(
        reverse("login"),
        {"login": "fatou", "password": "correct-horse-battery", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("chtprograms:home")
