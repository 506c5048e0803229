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


def restore_migration_data() -> None:
    """The rows the data migrations write, as `migrate` leaves them: the activity templates
    (seeded, French titles, the type-chosen template retired), the reviewers' and creators'
    groups and the CHT releases. A transactional test's flush empties every table; the tests
    after it (in any order, on any xdist worker) need them back. Each part is skipped when its
    rows are there."""
    import importlib

    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth.models import Group

    from instances.models import CHTRelease
    from lifecycle.models import ActivityTemplate

    def run(app: str, module: str, function: str) -> None:
        migration = importlib.import_module(f"{app}.migrations.{module}")
        getattr(migration, function)(apps, None)

    if not ActivityTemplate.objects.exists():
        run("lifecycle", "0003_seed_activity_templates", "seed")
        run("lifecycle", "0009_french_activity_titles", "fill")
        run("lifecycle", "0010_program_type_chosen_not_an_activity", "forwards")
    groups = {settings.PORTFOLIO_REVIEWER_GROUP, settings.PROGRAM_CREATOR_GROUP}
    if Group.objects.filter(name__in=groups).count() < len(groups):
        run("personas", "0002_portfolio_reviewer_group", "create_group")
        run("personas", "0004_program_creator_group", "create_group")
    if not CHTRelease.objects.exists():
        run("instances", "0002_seed_cht_releases", "seed")


def _flushes(item) -> bool:
    """Whether the test runs outside a transaction, so its teardown empties every table."""
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (len(marker.args) > 0 and marker.args[0])
    )
    names = getattr(item, "fixturenames", ())
    return bool(transactional) or "transactional_db" in names or "live_server" in names


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush (its fixtures' teardown), the migrations' rows again,
    committed: the next test may be any kind of test. After the last test there is no next one,
    and the session's teardown has already dropped the test database."""
    result = yield
    if nextitem is not None and _flushes(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()
    return result


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
