from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Program
from core.forms import PersonChoiceField, StyledFormMixin, VersionedFormMixin

from .models import PersonaRole, Profile
from .timezones import time_zone_choices

HEAD_REFUSED = _(
    "Choose one of the roles in the list: only a program head or site staff can appoint a head."
)


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Role"))
        super().__init__(
            choices=PersonaRole.choices, error_messages={"invalid_choice": HEAD_REFUSED}, **kwargs
        )

    def refuse_head(self) -> None:
        """For someone who may not appoint a program head: the role is not offered."""
        self.choices = [
            (value, label) for value, label in self.choices if value != PersonaRole.PROGRAM_HEAD
        ]


class MembershipAddForm(StyledFormMixin, forms.Form):
    """Add someone to the team: a person already on it (for another role) or, for anyone else,
    their exact e-mail address. The form lists no one outside the team."""

    user = PersonChoiceField(
        label=_("Someone on the team"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("To give them another role."),
    )
    email = forms.EmailField(
        label=_("Or their e-mail address"),
        required=False,
        help_text=_("The exact address they sign in with."),
    )
    role = RoleField()

    def __init__(self, *args, team, find_person, can_appoint_head: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = team
        if not can_appoint_head:
            self.fields["role"].refuse_head()
        self.fields["role"].choices = [("", "---------"), *self.fields["role"].choices]
        self.find_person = find_person

    def clean(self):
        data = super().clean()
        user, email = data.get("user"), data.get("email")
        if user and email:
            self.add_error("email", _("Choose someone on the team or give an address, not both."))
        elif email:
            data["user"] = self.find_person(email=email)
            if data["user"] is None:
                self.add_error(
                    "email",
                    _(
                        "No one can be added with this address. Check it, or ask a site "
                        "administrator to create their account."
                    ),
                )
        elif not user and not self.has_error("email"):
            self.add_error(
                "email", _("Choose someone on the team or give the address of the person to add.")
            )
        return data


class MembershipRoleForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """A team member's new role (`record=` the membership, for the version it was opened on)."""

    role = RoleField()

    def __init__(self, *args, can_appoint_head: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_appoint_head:
            self.fields["role"].refuse_head()


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
