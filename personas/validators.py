"""Password validators of our own (Django's are in AUTH_PASSWORD_VALIDATORS too)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The demo users' password, printed in the README and by `make run`: everyone knows it.
PUBLISHED_PASSWORDS = ("cht-demo-2026",)


class PublishedPasswordValidator:
    """Refuses a password that is published with this software (production settings use it)."""

    def __init__(self, passwords=PUBLISHED_PASSWORDS):
        self.passwords = {password.casefold() for password in passwords}

    def validate(self, password, user=None):
        if password.strip().casefold() in self.passwords:
            raise ValidationError(
                _("This password is published in the CHT Programs documentation. Choose another."),
                code="password_published",
            )

    def get_help_text(self):
        return _("Your password can't be the demo password published with CHT Programs.")
