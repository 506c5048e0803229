"""Static files as production collects and serves them: every file and every reference resolves
through the manifest, and the text files are served compressed."""

import re
import subprocess

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

from tests.config.serving import gunicorn, manage, request
from tests.services import ROOT

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]\s*%}""")


def static_references() -> set[str]:
    """Every `{% static '…' %}` name used by a template."""
    names = set()
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        names.update(STATIC_TAG.findall(template.read_text(encoding="utf-8")))
    return names


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic with the production storage into a folder of its own (once: compressing
    takes seconds)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


def test_collectstatic_with_the_production_storage_resolves_every_template_reference(collected):
    names = static_references()
    assert {"favicon.svg", "css/app.css", "vendor/htmx/htmx.min.js"} <= names
    for name in names:
        url = staticfiles_storage.url(name)  # raises ValueError when the manifest lacks it
        hashed = url.removeprefix("/static/")
        assert hashed != name, f"{name} is served without a content hash"
        assert (collected / hashed).is_file()


def test_collected_text_files_have_brotli_and_gzip_variants(collected):
    for name in ("css/app.css", "build/bootstrap.css", "favicon.svg"):
        hashed = staticfiles_storage.url(name).removeprefix("/static/")
        assert (collected / f"{hashed}.br").is_file(), name
        assert (collected / f"{hashed}.gz").is_file(), name


def test_vendored_and_built_files_reference_no_missing_source_map():
    for folder in ("vendor", "build"):
        for path in (ROOT / "static" / folder).rglob("*.*"):
            if path.suffix in {".js", ".css"}:
                assert "sourceMappingURL" not in path.read_text(encoding="utf-8"), path


def test_make_run_collects_the_static_files_and_serves_them_compressed(tmp_path):
    """`make run` (local settings) collects into STATIC_ROOT with WhiteNoise's compressing
    storage; gunicorn then answers brotli or gzip to a browser that accepts it."""
    dry_run = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True)
    assert "manage.py collectstatic --noinput" in dry_run.stdout
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    with gunicorn(env) as port:
        for encoding in ("br", "gzip"):
            answer = request(
                port, "GET", "/static/css/app.css", headers={"Accept-Encoding": encoding}
            )
            assert answer.status == 200
            assert answer.header("Content-Encoding") == encoding
        plain = request(port, "GET", "/static/css/app.css")
        assert plain.header("Content-Encoding") == ""
        assert b".stage-pill" in plain.body
