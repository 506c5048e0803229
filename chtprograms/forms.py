from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    Health,
    HealthNote,
    Organization,
    Program,
    ProgramType,
)
from chtprograms.selectors import SORTS, ProgramFilters
from chtprograms.services import DATA_SHARING_AGREEMENT_FIELDS, PROGRAM_EDITABLE_FIELDS
from core.currencies import currency_choices
from core.forms import DateInput, PersonChoiceField, StyledFormMixin

User = get_user_model()


class ProgramForm(StyledFormMixin, forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=())

    class Meta:
        model = Program
        fields = PROGRAM_EDITABLE_FIELDS
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "regions": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "---------"), *currency_choices()]
        self.fields["currency"].help_text = Program._meta.get_field("currency").help_text
        self.fields["lead_organization"].queryset = Organization.objects.order_by("name")


class ProgramCreateForm(ProgramForm):
    head = PersonChoiceField(
        label=_("Program head"),
        queryset=User.objects.filter(is_active=True).order_by("first_name", "username"),
        help_text=_("Makes gate decisions. You can add the rest of the team afterwards."),
    )


class PartnerForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Partner organization"),
        queryset=Organization.objects.order_by("name"),
        required=False,
    )
    role = forms.CharField(
        label=_("Partner's role"),
        max_length=200,
        required=False,
        help_text=_("e.g. funder, implementing partner, steward"),
    )

    def clean(self):
        data = super().clean()
        if data.get("organization") and not data.get("role"):
            self.add_error("role", _("Say what this partner does in the program."))
        if data.get("role") and not data.get("organization"):
            self.add_error("organization", _("Choose the organization this role belongs to."))
        return data


class BasePartnerFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            organization = form.cleaned_data.get("organization") if form.cleaned_data else None
            if organization is None:
                continue
            if organization.pk in seen:
                form.add_error("organization", _("This organization is listed twice."))
            seen.add(organization.pk)

    def partners(self) -> list[tuple[Organization, str]]:
        return [
            (form.cleaned_data["organization"], form.cleaned_data["role"])
            for form in self.forms
            if form.cleaned_data.get("organization")
        ]


#: A program has a handful of partners; a form claiming thousands is refused (not laid out).
MAX_PARTNERS = 50
PartnerFormSet = forms.formset_factory(
    PartnerForm,
    formset=BasePartnerFormSet,
    extra=2,
    max_num=MAX_PARTNERS,
    absolute_max=MAX_PARTNERS,
    validate_max=True,
)


def partner_initial(program: Program) -> list[dict]:
    return [
        {"organization": link.organization, "role": link.role}
        for link in program.partner_links.select_related("organization")
    ]


class HealthNoteForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = HealthNote
        fields = ["status", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class ConsiderationForm(StyledFormMixin, forms.ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    class Meta:
        model = Consideration
        fields = ["status", "risk", "owner", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, team_users=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team_users is not None:
            self.fields["owner"].queryset = team_users


class ConsiderationItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ConsiderationItem
        fields = ["done", "note"]


class ConsiderationItemAddForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ConsiderationItem
        fields = ["label"]


class DataSharingAgreementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DataSharingAgreement
        fields = DATA_SHARING_AGREEMENT_FIELDS
        widgets = {"signed_on": DateInput(), "expires_on": DateInput()}


class ProgramListFilterForm(forms.Form):
    """The program list's filters, read from the address. A value that does not validate (a
    NUL character, an unknown type, a search of megabytes) is left out of the filters and its
    error is shown beside the field."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", ""), *ProgramType.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    health = forms.ChoiceField(
        label=_("Health"), required=False, choices=[("", ""), *Health.choices]
    )
    archived = forms.BooleanField(label=_("Include archived"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", ""), *countries]

    def filters(self, *, sort: str = "name") -> ProgramFilters:
        """The filters that validated (call after `is_valid()`); an unknown sort is by name."""
        data = getattr(self, "cleaned_data", {})
        return ProgramFilters(
            q=data.get("q") or "",
            program_type=data.get("type") or "",
            country=data.get("country") or "",
            health=data.get("health") or "",
            include_archived=bool(data.get("archived")),
            sort=sort if sort in SORTS else "name",
        )

    def query(self) -> list[tuple[str, str]]:
        """The filters that validated, as the address's parameters (for links that keep them)."""
        data = getattr(self, "cleaned_data", {})
        return [
            (name, "1" if value is True else value)
            for name in self.fields
            if (value := data.get(name))
        ]
