"""Page weight on a phone: a cold load (empty cache) of a program overview and of the portfolio
at 360 px, served as in production — static files collected with their brotli and gzip copies
and served by WhiteNoise, HTML compressed by core.compression — transfers at most 200 KB in at
most 10 requests. The bytes are what Chromium received (headers and compressed bodies, from
the DevTools protocol), so a file served uncompressed or a new request shows at once.

    .venv/bin/pytest tests/browser/test_page_weight.py -s   # prints the figures (README)
"""

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread
from playwright.sync_api import expect

from chtprograms.models import Program
from tests.factories import reviewer
from tests.portfolio.seeding import seed_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_BYTES = 200 * 1024
MAX_REQUESTS = 10
PHONE = {"width": 360, "height": 800}


def _no_static_handler(application):
    """The live server without Django's own static handler: WhiteNoise serves, as in production."""
    return application


@pytest.fixture
def production_static(tmp_path, transactional_db):
    """A server whose static files are collected and compressed as `make run` and production do."""
    static_root = tmp_path / "static"
    with override_settings(
        STATIC_ROOT=static_root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        # Everything the visited pages use; not the admin's, the API browser's or Swagger UI's
        # 40 MB, whose brotli copies alone take minutes to make.
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar", "django_htmx"],
        )
        shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread = LiveServerThread("127.0.0.1", _no_static_handler, connections_override=shared)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://127.0.0.1:{thread.port}", static_root
        finally:
            thread.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()


def cold_load(browser, base_url, state, path, screenshot):
    """Open `path` in a fresh context (empty cache) at 360 px; (bytes, requests, urls)."""
    context = browser.new_context(viewport=PHONE, storage_state=state)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    received, urls = {}, {}

    def sent(event):
        if not event["request"]["url"].startswith("data:"):  # inline images: no request made
            urls[event["requestId"]] = event["request"]["url"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    cdp.on("Network.loadingFailed", lambda e: received.__setitem__(e["requestId"], 0))
    page.goto(f"{base_url}{path}", wait_until="networkidle")
    page.screenshot(path=screenshot, full_page=True)
    total = sum(size for key, size in received.items() if key in urls)
    listing = sorted((received.get(key, 0), url) for key, url in urls.items())
    context.close()
    return total, len(urls), listing


def test_overview_and_portfolio_cold_at_360px(browser, production_static, screenshot_dir):
    base_url, static_root = production_static
    assert (static_root / "vendor" / "htmx" / "htmx.min.js.br").exists()  # made by collectstatic
    seed_portfolio(count=12)
    reviewer(username="rosa", first_name="Rosa", last_name="Reviewer")
    program = (
        Program.objects.filter(archived_at=None, lifecycle__stage="implementation").first()
        or Program.objects.filter(archived_at=None).order_by("-pk").first()
    )

    login = browser.new_context(viewport=PHONE)
    page = login.new_page()
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    state = login.storage_state()
    login.close()

    figures = {}
    for name, path in (
        ("overview", program.get_absolute_url()),
        ("portfolio", "/portfolio/"),
    ):
        total, requests, listing = cold_load(
            browser, base_url, state, path, screenshot_dir / f"weight-{name}-360.png"
        )
        figures[name] = (total, requests)
        print(f"\n{name} ({path}) cold at 360 px: {total / 1024:.1f} KB in {requests} requests")
        for size, url in listing:
            print(f"  {size / 1024:7.1f} KB  {url.removeprefix(base_url)}")
        assert requests <= MAX_REQUESTS, listing
        assert total <= MAX_BYTES, listing
        # Nothing the page loads is left uncompressed when it is text.
        big = [(size, url) for size, url in listing if size > 40 * 1024]
        assert not big, big
    assert figures["overview"][0] > 0 and figures["portfolio"][0] > 0
