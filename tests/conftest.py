import os

import pytest

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
