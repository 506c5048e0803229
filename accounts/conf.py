"""allauth's settings for CHT Programs, imported by config/settings/base.py.

- Local accounts sign in with their username and password; site administrators create them
  (nobody signs up on their own). Password reset by e-mail, password change and e-mail
  addresses are allauth's pages; django-axes still locks an account after repeated failures.
- OpenID Connect providers come from the environment (accounts/oidc.py). A person who signs in
  through one is matched to an account by a verified e-mail address only; anyone else gets a
  new account that stays inactive until a site administrator lets them in. No program access
  comes with it: that still comes only from memberships and the reviewer group.
- Two-factor authentication (an authenticator app, with recovery codes) for anyone who wants
  it; site staff must have it (accounts/middleware.py).
"""

import os

import environ

from .oidc import providers_from_env

env = environ.Env()

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

# --- local accounts ---------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"username"}
# The fields of the form someone fills in when their provider did not give a usable e-mail or
# username (local sign-up is closed: AccountAdapter.is_open_for_signup).
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Adding an address sends a confirmation link; nobody is stopped from signing in meanwhile.
ACCOUNT_EMAIL_VERIFICATION = "optional"
# A reset request answers the same whether or not the address has an account, and nothing is
# sent to an address without one.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CHT Programs] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# django-axes locks accounts after failed logins (AXES_* settings); allauth's own counter of
# failed logins would only add a second, different lockout.
ACCOUNT_RATE_LIMITS = {"login_failed": None}

# --- OpenID Connect -----------------------------------------------------------------------------
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": providers_from_env(os.environ), "OAUTH_PKCE_ENABLED": True}
}
# A provider's *verified* e-mail signs in the account that has that address (and links it).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("OIDC_REQUESTS_TIMEOUT", default=10)
# People new to the site who sign in through a provider: active at once, or (default) only
# once a site administrator ticks "Active" on their account in the admin.
OIDC_NEW_USERS_ACTIVE = env.bool("OIDC_NEW_USERS_ACTIVE", default=False)

# --- two-factor authentication ------------------------------------------------------------------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CHT Programs"
# One 30-second step of clock drift either way between the phone and the server.
MFA_TOTP_TOLERANCE = 1
# allauth refuses MFA until the e-mail is verified, against someone who signed up with another
# person's address; here administrators create the accounts, so staff can set it up at once.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Site staff (who reach the admin) must use two-factor authentication.
STAFF_MFA_REQUIRED = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)

__all__ = [name for name in dir() if name.isupper()]
