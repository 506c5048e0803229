"""Throttling per client: each token has its own count (scope `token`), and each person signed
in through the browser has one (scope `session`). The counts live in the cache named by
API_THROTTLE_CACHE_URL (in memory by default)."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.throttling import SimpleRateThrottle

from .models import AccessToken


@cache
def throttle_cache():
    """The throttles' cache, made from API_THROTTLE_CACHE once per process."""
    config = dict(settings.API_THROTTLE_CACHE)
    backend = import_string(config.pop("BACKEND"))
    return backend(config.pop("LOCATION", ""), config)


class ClientRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # The scope (and so the rate) depends on the request: chosen in allow_request.
        self.cache = throttle_cache()

    def allow_request(self, request, view):
        token = request.auth if isinstance(request.auth, AccessToken) else None
        self.scope = "token" if token is not None else "session"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return {"token": settings.API_TOKEN_RATE, "session": settings.API_SESSION_RATE}[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AccessToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
