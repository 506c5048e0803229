"""The form that makes a personal access token."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin

EXPIRY_CHOICES = [
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("One year")),
]


class AccessTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “DHIS2 monthly import”."),
    )
    expires_in = forms.TypedChoiceField(
        label=_("Expires in"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=90,
        help_text=_("After this the token stops working; make a new one then."),
    )

    def expires_at(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=self.cleaned_data["expires_in"])
