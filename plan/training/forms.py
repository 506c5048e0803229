"""Training event form."""

from django import forms

from core.forms import DateInput, StyledFormMixin, ValueInput, VersionedFormMixin
from plan.training.models import TrainingEvent
from plan.training.services import TRAINING_FIELDS


class TrainingEventForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingEvent
        fields = TRAINING_FIELDS
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "pre_test_average": ValueInput(),
            "post_test_average": ValueInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
