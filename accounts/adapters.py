"""How allauth behaves here: no self sign-up, new provider accounts inactive, staff keep MFA."""

from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Local accounts are created by site administrators, not by visitors."""
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Changing sign-in settings (e.g. turning on two-factor authentication) asks to prove
        who you are again, unless you signed in within the last few minutes: a staff member
        sent to set up their authenticator right after logging in is not asked for the
        password they just typed. Someone who only signs in through their organization, with
        no password or authenticator here to confirm, relies on that recent sign-in alone."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        records = get_authentication_records(request, user)
        if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
            return False
        from allauth.mfa.utils import is_mfa_enabled

        return user.has_usable_password() or is_mfa_enabled(user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        """Someone new who signs in through a configured provider gets an account (inactive
        unless OIDC_NEW_USERS_ACTIVE: see populate_user)."""
        return True

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # Never staff, never more than what an administrator gives them afterwards; program
        # access only ever comes from memberships and the reviewer group.
        user.is_active = settings.OIDC_NEW_USERS_ACTIVE
        user.is_staff = False
        user.is_superuser = False
        return user

    def authenticate_by_email(self, sociallogin):
        """Match an existing account only by an address the provider says is verified, read
        from the provider's own claim when it is not the standard `email_verified` (Entra ID:
        `xms_edov`)."""
        app = sociallogin.account.get_provider().app
        claim = (app.settings or {}).get("email_verified_claim", "email_verified")
        if claim != "email_verified":
            data = sociallogin.account.extra_data or {}
            claims = {**data.get("id_token", {}), **data.get("userinfo", {})}
            verified = claims.get(claim) in (True, "true", "True")
            for address in sociallogin.email_addresses:
                address.verified = verified
        return super().authenticate_by_email(sociallogin)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff cannot turn off their authenticator app while the site requires it."""
        if (
            settings.STAFF_MFA_REQUIRED
            and authenticator.user.is_staff
            and authenticator.type == Authenticator.Type.TOTP
        ):
            return False
        return super().can_delete_authenticator(authenticator)
