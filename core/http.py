"""Where a form may send the browser back to: a path on this site, nothing else."""

import re

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

#: Longer than any address of the app; a `next` of megabytes is not an address.
MAX_NEXT_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(request, value, default: str) -> str:
    """`value` if it is a path on this site (`/programs/…?page=2`), else `default`.

    Refused: anything but a string, full URLs (even to this host), scheme-relative `//host`
    and `/\\host`, control characters (NUL, line breaks), and view names such as `foo`, which
    Django's `redirect()` would try to reverse and fail on with a 500."""
    if not isinstance(value, str) or not value or len(value) > MAX_NEXT_LENGTH:
        return default
    if not value.startswith("/") or value.startswith(("//", "/\\")) or _CONTROL.search(value):
        return default
    if not url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return value


def redirect_back(request, value, default: str) -> HttpResponseRedirect:
    """Redirect to `value` if it is a path on this site, else to `default` (a path)."""
    return HttpResponseRedirect(safe_next(request, value, default))
