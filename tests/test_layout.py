"""The layout's own rules (docs/architecture.md), checked so that they stay true."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
#: Folders of templates/ that are not an app's: the site's frame, shared fragments, e-mails,
#: the sign-in pages, and django-allauth's own templates drawn in the site's frame.
SHARED = {"partials", "emails", "registration", "account", "allauth", "mfa", "socialaccount"}


def test_every_template_folder_is_an_app_or_a_shared_one():
    apps = {name.split(".")[0] for name in settings.INSTALLED_APPS}
    folders = {path.name for path in TEMPLATES.iterdir() if path.is_dir()}
    assert folders - apps - SHARED == set()


def test_no_fragment_loads_a_stylesheet_pages_do_in_their_block():
    fragments = [
        path
        for path in TEMPLATES.rglob("*.html")
        if path.name.startswith("_") or "partials" in path.parts
    ]
    assert fragments
    loading = [p.relative_to(ROOT) for p in fragments if 'rel="stylesheet"' in p.read_text()]
    assert loading == []


#: What a pointer outside the checkout looks like: the folder beside it, or its design texts.
OUTSIDE = re.compile(r"\.\./shared\b|\b(?:DESIGN|DOMAIN|STYLE|UI)\.md\b|\bseeds/")


def test_nothing_points_at_files_outside_the_repository():
    """Code, tests and docs stand on their own: no design file or folder beside the checkout."""
    suffixes = {".py", ".md", ".html", ".txt", ".toml", ".cfg", ".yml", ".yaml"}
    skip = {".git", ".venv", "var", "node_modules", "staticfiles"}
    offenders = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or path.suffix not in suffixes or skip & set(path.parts):
            continue
        text = path.read_text(errors="ignore")
        offenders += [f"{path.relative_to(ROOT)}: {m.group()}" for m in OUTSIDE.finditer(text)]
    assert offenders == []
