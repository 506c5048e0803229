"""Sessions on shared computers: idle timeout, absolute lifetime, pages kept out of caches.

- At login (`user_logged_in`, connected in `PersonasConfig.ready`) the session records when it
  started and when it was last used.
- `SessionTimeoutMiddleware` logs the person out once the session has gone unused for
  `SESSION_IDLE_TIMEOUT` seconds, or is older than `SESSION_COOKIE_AGE` seconds however busy it
  was, and says why on the login page. The last-used time is saved at most every
  `refresh_after()` seconds, so a busy page costs no extra write per request.
- `PrivatePagesMiddleware` sends `Cache-Control: no-store` (Django's `never_cache` headers) with
  every response to a logged-in person, so the browser and any proxy keep no copy of a page that
  the next person at the computer could bring back with "Back".
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SESSION_STARTED = "session_started_at"
SESSION_SEEN = "session_seen_at"


def refresh_after() -> int:
    """Seconds between two saves of the last-used time: 5 minutes, less for short timeouts."""
    return max(1, min(300, settings.SESSION_IDLE_TIMEOUT // 10))


def stamp_session(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: a new session starts now."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now


def _ended(session, now: int) -> str | None:
    """Why the session is over, or None while it is still good."""
    started = session.get(SESSION_STARTED)
    seen = session.get(SESSION_SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        # A session from before these stamps existed: it ends, the person logs in again.
        return _("Please log in again.")
    if now - seen >= settings.SESSION_IDLE_TIMEOUT:
        hours = round(settings.SESSION_IDLE_TIMEOUT / 3600, 1)
        return _(
            "You were logged out after %(hours)s hours without activity. Please log in again."
        ) % {"hours": f"{hours:g}"}
    if now - started >= settings.SESSION_COOKIE_AGE:
        return _("Your session has ended. Please log in again.")
    return None


class SessionTimeoutMiddleware:
    """After `AuthenticationMiddleware` and `MessageMiddleware`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            reason = _ended(request.session, now)
            if reason is not None:
                logout(request)  # flushes the session; the view then asks for a login
                messages.info(request, reason)
                if getattr(request, "htmx", False):
                    # A fragment request: the whole page goes to the login form.
                    page = request.htmx.current_url_abs_path or "/"
                    return HttpResponseClientRedirect(redirect_to_login(page).url)
            elif now - request.session[SESSION_SEEN] >= refresh_after():
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A page shown to a logged-in person is stored by no cache (`Cache-Control: no-store`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
