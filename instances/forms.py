from django import forms
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program
from core.forms import DateInput, StyledFormMixin, VersionedFormMixin

from . import credentials
from .models import Instance, normalise_base_url
from .services import INSTANCE_FIELDS


class InstanceForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """An instance's address, kind and dates; the impact credentials are write-only: the form
    never shows them back (an empty password keeps the stored credentials)."""

    impact_username = forms.CharField(
        label=_("User name for impact figures"),
        required=False,
        max_length=150,
        help_text=_(
            "Optional, CHT 5.0 and later: an online user allowed to read /api/v1/impact "
            "(users, contacts by type, reports by form). Stored encrypted, never shown again."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    impact_password = forms.CharField(
        label=_("Password for impact figures"),
        required=False,
        max_length=300,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_credentials = forms.BooleanField(label=_("Remove the stored credentials"), required=False)

    class Meta:
        model = Instance
        fields = [*INSTANCE_FIELDS, "shared_with"]
        widgets = {
            "go_live_on": DateInput(),
            "cutover_on": DateInput(),
            "domain_renews_on": DateInput(),
            "tls_expires_on": DateInput(),
            "base_url": forms.URLInput(attrs={"placeholder": "https://chis.health.go.ke"}),
        }

    def __init__(self, *args, shareable=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The programs the user manages, other than this one (admins share any in the admin).
        self.fields["shared_with"].queryset = (
            shareable if shareable is not None else Program.objects.none()
        )
        self.fields["shared_with"].required = False
        if not credentials.available():
            for name in ("impact_username", "impact_password"):
                self.fields[name].disabled = True
            self.fields["impact_username"].help_text = _(
                "Storing credentials needs INSTANCE_CREDENTIALS_KEY, which the site "
                "administrator has not set."
            )
        if not (self.instance.pk and self.instance.has_credentials):
            del self.fields["clear_credentials"]

    def clean_base_url(self):
        # "chis.example.org/" → "https://chis.example.org", before the model validates it.
        return normalise_base_url(self.cleaned_data.get("base_url") or "")
