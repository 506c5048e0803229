"""Device form."""

from django import forms

from core.forms import DateInput, StyledFormMixin, ValueInput, VersionedFormMixin
from plan.devices.models import Device
from plan.devices.services import DEVICE_FIELDS


class DeviceForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Device
        fields = DEVICE_FIELDS
        widgets = {"handed_over_on": DateInput(), "ram_gb": ValueInput()}

    def clean_imei(self) -> str:
        return "".join(ch for ch in self.cleaned_data["imei"] if ch not in " -")
