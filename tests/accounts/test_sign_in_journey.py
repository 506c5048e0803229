"""Local accounts in a real browser: a staff member made to set up two-factor authentication,
and a forgotten password reset through the e-mailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import UserFactory

from .helpers import fresh_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username, password="correct-horse-battery"):  # noqa: S107
    page.goto(f"{base_url}/login/")  # the address before allauth: redirected
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_staff_set_up_an_authenticator_then_need_it_to_log_in(
    live_server, browser, staff_mfa_required, screenshot_dir
):
    UserFactory(username="grace", first_name="Grace", last_name="Njeri", is_staff=True)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    log_in(page, live_server.url, "grace")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(
        page.get_by_role("status").filter(has_text="Site staff must use two-factor authentication")
    ).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-7-staff-must-set-up-mfa.png", full_page=True)
    # Anything else sends them back here.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill("123456")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label("Authenticator code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-8-recovery-codes.png", full_page=True)

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # Next time, the code is asked for after the password.
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Grace Njeri").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(page, live_server.url, "grace")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_label("Code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Log in").click()
    # Staff on no team land on the portfolio.
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    page.get_by_role("button", name="Grace Njeri").click()
    page.get_by_role("link", name="Sign-in and security").click()
    expect(page.get_by_text("Authentication using an authenticator app is active.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-9-sign-in-and-security.png", full_page=True)


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    live_server, browser, screenshot_dir
):
    UserFactory(username="amina", email="amina@health.example")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill("amina@health.example")
    page.screenshot(path=screenshot_dir / "accounts-10-reset-password.png", full_page=True)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-11-reset-sent.png", full_page=True)

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New Password", exact=True).fill("short")
    page.get_by_label("New Password (again)").fill("short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("too short")
    page.get_by_label("New Password", exact=True).fill("Siaya-CHV-2027-ok")
    page.get_by_label("New Password (again)").fill("Siaya-CHV-2027-ok")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

    log_in(page, live_server.url, "amina", "Siaya-CHV-2027-ok")
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
