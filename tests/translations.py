"""Compiled messages for the tests that read French pages.

`make test` compiles them (`pybabel compile`); a bare `pytest` on a fresh clone may not have.
`compile_messages()` compiles the catalogs when a .mo is missing or older than its .po, and then
makes Django reload them (the same reset Django's autoreloader does when a .mo changes)."""

import pytest
from babel.messages.frontend import CommandLineInterface
from django.conf import settings
from django.utils import translation

from tests.services import ROOT

LOCALE = ROOT / "locale"


def _stale() -> list:
    return [
        po
        for po in LOCALE.glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]


def compile_messages() -> None:
    stale = _stale()
    if not stale:
        return
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(LOCALE), "-D", "django"])
    from django.utils.translation.reloader import translation_file_changed

    translation_file_changed(sender=None, file_path=stale[0].with_suffix(".mo"))


@pytest.fixture(autouse=True)
def english_afterwards():
    """Import into a module that reads French pages: the thread's language is English again
    after each test (a request leaves its language active, and later tests run in the thread)."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
