"""HTML compressed where it is safe: gzip for pages that hold no secret worth guessing.

BREACH recovers a secret from the compressed size of HTTPS responses that also reflect text an
attacker chose. Here:

- the CSRF token in every page is masked anew on each response by Django, so its compressed
  bytes differ every time and there is nothing stable to guess;
- Django's GZipMiddleware pads each response with a random number of bytes (the gzip header's
  file name), which blurs the length an attacker measures;
- the secrets that are shown once (a new API token, a calendar address, two-factor recovery
  codes and authenticator keys, password-reset links) live under the paths below and are
  answers to POST requests or pages of the sign-in and profile area: those are never
  compressed.

So only the answers to GET and HEAD requests, outside those paths, as HTML or JSON, are
compressed; everything else leaves as it is. Static files are compressed ahead of time by
WhiteNoise (brotli and gzip files made by collectstatic), not here."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

#: Paths whose pages show or carry a secret: never compressed.
UNCOMPRESSED_PREFIXES = ("/accounts/", "/profile/", "/calendar/", "/admin/")
COMPRESSED_TYPES = ("text/html", "application/json")


class SafeGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        prefixes = getattr(settings, "UNCOMPRESSED_PATH_PREFIXES", UNCOMPRESSED_PREFIXES)
        if request.path.startswith(tuple(prefixes)):
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in COMPRESSED_TYPES:
            return response
        return super().process_response(request, response)
