"""Device form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, StyledFormMixin, ValueInput, VersionedFormMixin
from plan.devices.models import Device
from plan.devices.services import DEVICE_FIELDS


class DeviceForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    # Longer than 15: people copy the IMEI with its spaces or dashes; clean_imei drops them.
    imei = forms.CharField(label=_("IMEI"), max_length=24, help_text=_("15 digits (*#06#)."))

    class Meta:
        model = Device
        fields = DEVICE_FIELDS
        widgets = {"handed_over_on": DateInput(), "ram_gb": ValueInput()}

    def clean_imei(self) -> str:
        return "".join(ch for ch in self.cleaned_data["imei"] if ch not in " -")
