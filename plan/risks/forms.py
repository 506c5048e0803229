"""Risk, lesson and scaling-decision forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chtprograms.forms import User
from core.forms import DateInput, PersonChoiceField, StyledFormMixin, VersionedFormMixin
from plan.risks.models import Lesson, Risk, ScalingDecision
from plan.risks.services import LESSON_FIELDS, RISK_FIELDS, SCALING_DECISION_FIELDS


class RiskForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Risk
        fields = RISK_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, team_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_users


class LessonForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = LESSON_FIELDS
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "what_we_learned": forms.Textarea(attrs={"rows": 3}),
            "recorded_on": DateInput(),
        }


class ScalingDecisionForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    version_new_records = True  # one per program: two people may fill it in at once

    decided_by = PersonChoiceField(label=_("Decided by"), queryset=User.objects.none())

    class Meta:
        model = ScalingDecision
        fields = SCALING_DECISION_FIELDS
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "decided_on": DateInput(),
        }

    def __init__(self, *args, team_users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = team_users

    def clean_decided_on(self):
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return decided_on
