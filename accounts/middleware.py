"""Site staff must use two-factor authentication (STAFF_MFA_REQUIRED, on by default).

A staff member without an authenticator app is sent to set one up, whatever page they ask for,
until they have one; only the pages needed to do so (and to sign out) stay open. Once they have
one, the session remembers it, so later requests cost no query."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_KEY = "accounts_staff_mfa"
#: Views still open to staff who have not set up MFA yet.
OPEN_VIEW_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
        "logout",
        "healthz",
        "set_language",
        "personas:language",
    }
)


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.STAFF_MFA_REQUIRED:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        if request.session.get(SESSION_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEW_NAMES:
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            request.session[SESSION_KEY] = True
            return None
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _activate_url()
            return response
        messages.warning(
            request,
            _(
                "Site staff must use two-factor authentication. Set up an authenticator app "
                "to continue."
            ),
        )
        return redirect(_activate_url())


def _activate_url() -> str:
    return reverse("mfa_activate_totp")


def provider_origins() -> list[str]:
    """The origins of the configured OpenID Connect providers (scheme, host and port)."""
    from urllib.parse import urlsplit

    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = []
    for app in apps:
        parts = urlsplit(app.get("settings", {}).get("server_url", ""))
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


class ProviderFormActionMiddleware:
    """The sign-in pages' "Continue with …" buttons post here, then the browser is redirected
    to the provider: Content-Security-Policy's `form-action 'self'` would stop that redirect.
    On the sign-in pages only, the configured providers' origins are allowed too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/accounts/"):
            origins = provider_origins()
            if origins:
                # django-csp reads this from the response on its way out.
                response._csp_update = {"form-action": origins}
        return response
