"""The signed-in person's language and time zone, for every page.

At login (`user_logged_in`: the brief's one signal receiver, connected in `PersonasConfig.ready`)
the profile's language and time zone are copied into the session; `PreferencesMiddleware` then
activates them on each request without a query. People without a profile keep the language
chosen by `LocaleMiddleware` (cookie, then the browser) and the site's time zone."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from .timezones import available_time_zones

SESSION_LANGUAGE = "person_language"
SESSION_TIME_ZONE = "person_time_zone"


def remember_preferences(request, profile) -> None:
    """Copy the profile's language and time zone into the session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SESSION_LANGUAGE] = profile.language
    session[SESSION_TIME_ZONE] = profile.time_zone


def on_login(sender, request, user, **kwargs) -> None:
    from .models import Profile

    profile = Profile.objects.filter(user=user).first()
    if profile is not None and request is not None:
        remember_preferences(request, profile)


class PreferencesMiddleware:
    """After the session and `LocaleMiddleware`: the profile's language and time zone win."""

    languages = frozenset(code for code, _name in settings.LANGUAGES)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = zone = None
        if session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            language = session.get(SESSION_LANGUAGE)
            zone = session.get(SESSION_TIME_ZONE)
        if language in self.languages:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone in available_time_zones():
            timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
