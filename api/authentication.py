"""`Authorization: Bearer chtp_…`: a personal access token signs the request in as its person."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import selectors, services

KEYWORD = "Bearer"


class AccessTokenAuthentication(authentication.BaseAuthentication):
    """The person of a usable (not revoked, not expired) token; `request.auth` is the token.

    A request without the header is left to the next method (the browser session); a header
    with an unknown, revoked or expired token is refused with 401, never read as anonymous."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after “Bearer ”, with no spaces in it.")
            )
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raw = ""
        token = selectors.token_for_secret(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is unknown, revoked or expired."))
        services.token_used(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token (chtp_…), made on your profile page: "
                "Profile and preferences → API access tokens."
            ),
        }
