from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program
from core.forms import PersonChoiceField, StyledFormMixin

from .models import Membership, PersonaRole, Profile
from .timezones import time_zone_choices


class MembershipAddForm(StyledFormMixin, forms.ModelForm):
    user = PersonChoiceField(
        label=_("Person"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name", "username"),
    )

    class Meta:
        model = Membership
        fields = ["user", "role"]


class MembershipRoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=PersonaRole.choices)


class ProfileForm(StyledFormMixin, forms.ModelForm):
    """A person's preferences. `programs`: the programs they may mute (their own)."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    muted_programs = forms.ModelMultipleChoiceField(
        label=_("Muted programs"),
        queryset=Program.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("No reminders about these programs."),
    )

    class Meta:
        model = Profile
        fields = [
            "time_zone",
            "language",
            "digest_frequency",
            "days_ahead",
            "muted_programs",
            "email_closeout_reports",
        ]

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()
        self.fields["time_zone"].help_text = Profile._meta.get_field("time_zone").help_text
        if programs is not None:
            self.fields["muted_programs"].queryset = programs
        self.fields["muted_programs"].widget.attrs["class"] = "form-check-input"


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
