import os

import pytest
from django.conf import settings
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (factories, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright (skips or fails if it is missing)."""
    from playwright.sync_api import sync_playwright

    from tests.services import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot_dir():
    from tests.services import ROOT

    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def seed_activity_templates() -> None:
    """The activity templates as the data migrations leave them (seeded, French titles, the
    type-chosen template retired). A transactional test's flush empties the table; the tests
    after it that create programs need them back."""
    import importlib

    from django.apps import apps

    from lifecycle.models import ActivityTemplate

    if ActivityTemplate.objects.exists():
        return
    for module, function in (
        ("0003_seed_activity_templates", "seed"),
        ("0009_french_activity_titles", "fill"),
        ("0010_program_type_chosen_not_an_activity", "forwards"),
    ):
        migration = importlib.import_module(f"lifecycle.migrations.{module}")
        getattr(migration, function)(apps, None)


@pytest.fixture(autouse=True)
def activity_templates(request):
    """Every transactional test starts with the seeded activity templates (see above)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    seed_activity_templates()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test database's data version starts again
    from the same number, so a page cached by an earlier test could otherwise match."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Every test leaves the thread in English: a request or a French test leaves its language
    active, and the tests that follow in the same thread would otherwise read French labels."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
