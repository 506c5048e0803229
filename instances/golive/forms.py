"""Go-live readiness form."""

from django import forms

from core.forms import DateInput, StyledFormMixin, VersionedFormMixin

from .models import GoLiveReadiness
from .services import READINESS_FIELDS


class GoLiveReadinessForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    version_new_records = True  # one per program: two people may fill it in at once

    class Meta:
        model = GoLiveReadiness
        fields = READINESS_FIELDS
        widgets = {
            "training_app_removed_on": DateInput(),
            "last_restore_tested_on": DateInput(),
            "support_shared_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
