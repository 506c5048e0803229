"""Sign-in through a real OpenID Connect provider on loopback (the npm `oidc-provider`), with
a real browser doing the redirects: matched by verified e-mail only, newcomers inactive until
an administrator lets them in, no program access, staff asked for their TOTP code, and the
refusals (unverified e-mail, a forged state, an expired code)."""

import re
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from personas.models import Membership
from tests.factories import ProgramFactory, UserFactory

from .helpers import PROVIDER_ID, PROVIDER_NAME, fresh_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

User = get_user_model()
CALLBACK = re.compile(rf".*/accounts/oidc/{PROVIDER_ID}/login/callback/.*")


def sign_in_at_provider(page, base_url, login):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("button", name=f"Continue with {PROVIDER_NAME}").click()
    # The provider's own page, on its own port.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("whatever-the-provider-checks")
    page.locator("button[type=submit]").click()


def expect_signed_out(page, base_url):
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_a_verified_email_signs_in_the_existing_account(
    live_server, browser, with_provider, screenshot_dir
):
    amina = UserFactory(username="head", email="amina.otieno@health.example")
    ProgramFactory(name="Siaya CHV maternal health", slug="siaya-chv", head=amina)
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name=f"Continue with {PROVIDER_NAME}")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-1-login-with-provider.png", full_page=True)

    sign_in_at_provider(page, live_server.url, "amina")
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
    expect(page.get_by_role("link", name="Siaya CHV maternal health").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-2-signed-in-by-provider.png", full_page=True)

    link = SocialAccount.objects.get(provider=PROVIDER_ID)
    assert link.user == amina and link.uid == "amina"
    assert User.objects.count() == 1  # nobody new
    # Her address was never confirmed here: allauth wipes the local password, so whoever may
    # have set it cannot share the account with her.
    amina.refresh_from_db()
    assert not amina.has_usable_password()


def test_someone_new_waits_for_an_administrator_and_gets_no_program(
    live_server, browser, with_provider, screenshot_dir
):
    program = ProgramFactory(name="Arua immunization tracing", slug="arua-immunization")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    sign_in_at_provider(page, live_server.url, "neema")
    expect(page.get_by_role("heading", name="Waiting for a site administrator")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-3-waiting-for-admin.png", full_page=True)

    neema = User.objects.get(email="neema.mushi@health.example")
    assert (neema.first_name, neema.last_name) == ("Neema", "Mushi")
    assert not neema.is_active and not neema.is_staff and not neema.is_superuser
    expect_signed_out(page, live_server.url)

    # A site administrator lets her in; she signs in again (in a new browser) and sees no
    # program.
    neema.is_active = True
    neema.save(update_fields=["is_active"])
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    sign_in_at_provider(page, live_server.url, "neema")
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
    assert not Membership.objects.filter(user=neema).exists()
    assert not neema.groups.filter(name=settings.PORTFOLIO_REVIEWER_GROUP).exists()
    response = page.goto(f"{live_server.url}{program.get_absolute_url()}")
    assert response.status == 404


def test_new_people_can_be_let_in_at_once(live_server, browser, with_provider, settings):
    settings.OIDC_NEW_USERS_ACTIVE = True
    page = browser.new_page()
    sign_in_at_provider(page, live_server.url, "neema")
    expect(page.get_by_role("heading", name="My programs")).to_be_visible()
    assert User.objects.get(email="neema.mushi@health.example").is_active


def test_an_unverified_email_does_not_sign_in_the_account_that_has_it(
    live_server, browser, with_provider, screenshot_dir
):
    amina = UserFactory(username="head", email="amina.otieno@health.example")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    sign_in_at_provider(page, live_server.url, "impostor")
    expect(page.get_by_role("heading", name="One more step")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-4-unverified-email.png", full_page=True)

    assert not SocialAccount.objects.exists()
    amina.refresh_from_db()
    assert amina.has_usable_password()
    assert list(User.objects.values_list("username", flat=True)) == ["head"]
    expect_signed_out(page, live_server.url)


def _with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def intercept_answer(page, issuer, change):
    """Stand between the provider and the site: when the provider sends the browser back to
    the site with its code, `change(callback_url)` decides what the browser gets instead.

    The browser only lets a test hold the first request of a chain of redirects, so this
    takes the provider's sign-in form submission and follows the provider's redirects itself
    (with the browser's cookies) up to the callback address."""
    seen = []

    def handler(route):
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch(max_redirects=0)
        location = urljoin(response.url, response.headers["location"])
        while not CALLBACK.match(location):
            cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies(location))
            response = route.fetch(
                url=location, method="GET", headers={"cookie": cookies}, max_redirects=0
            )
            location = urljoin(location, response.headers["location"])
        seen.append(location)
        route.fulfill(status=303, headers={"location": change(location)})

    page.route(f"{issuer}/interaction/**", handler)
    return seen


def test_a_forged_state_is_refused(live_server, browser, with_provider, screenshot_dir):
    UserFactory(username="head", email="amina.otieno@health.example")
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    seen = intercept_answer(
        page, with_provider.issuer, lambda url: _with_query(url, state="forged-by-an-attacker")
    )
    sign_in_at_provider(page, live_server.url, "amina")
    expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-5-forged-state.png", full_page=True)
    assert len(seen) == 1 and "code=" in seen[0]  # the provider answered; the state was forged
    assert not SocialAccount.objects.exists()
    expect_signed_out(page, live_server.url)


def test_an_expired_authorization_code_is_refused(live_server, browser, with_provider):
    page = browser.new_page()

    def arrive_late(url):
        time.sleep(4.5)  # the provider gives this account's codes three seconds
        return url

    seen = intercept_answer(page, with_provider.issuer, arrive_late)
    sign_in_at_provider(page, live_server.url, "slow")
    expect(page.get_by_role("heading", name="Sign-in did not complete")).to_be_visible()
    assert len(seen) == 1
    assert not User.objects.filter(email="slow@health.example").exists()
    expect_signed_out(page, live_server.url)


def test_the_same_code_arriving_in_time_signs_in(live_server, browser, with_provider):
    """The interception itself does not break the sign-in: without the delay it succeeds."""
    page = browser.new_page()
    seen = intercept_answer(page, with_provider.issuer, lambda url: url)
    sign_in_at_provider(page, live_server.url, "slow")
    expect(page.get_by_role("heading", name="Waiting for a site administrator")).to_be_visible()
    assert len(seen) == 1


def test_staff_with_an_authenticator_give_their_code_after_the_provider(
    live_server, browser, with_provider, staff_mfa_required, screenshot_dir
):
    grace = UserFactory(username="grace", email="grace.njeri@health.example", is_staff=True)
    EmailAddress.objects.create(user=grace, email=grace.email, verified=True, primary=True)
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(grace, secret)
    page = browser.new_page(viewport={"width": 1100, "height": 800})
    sign_in_at_provider(page, live_server.url, "grace")
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.screenshot(path=screenshot_dir / "accounts-6-totp-after-provider.png", full_page=True)

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Incorrect code.")).to_be_visible()
    page.get_by_label("Code").fill(fresh_totp(secret))
    page.get_by_role("button", name="Log in").click()
    # Staff on no team land on the portfolio.
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    grace.refresh_from_db()
    assert grace.has_usable_password()  # a verified address: nothing to wipe
