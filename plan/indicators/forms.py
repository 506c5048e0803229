"""Indicator forms."""

from django import forms

from core.forms import DateInput, StyledFormMixin, ValueInput, VersionedFormMixin
from plan.indicators.models import Indicator, Measurement
from plan.indicators.services import INDICATOR_FIELDS, MEASUREMENT_FIELDS


class IndicatorForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {
            "baseline_value": ValueInput(),
            "target_value": ValueInput(),
            "baseline_date": DateInput(),
            "target_date": DateInput(),
        }


class MeasurementForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Measurement
        fields = MEASUREMENT_FIELDS
        widgets = {
            "period_end": DateInput(),
            "value": ValueInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
