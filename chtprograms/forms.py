from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chtprograms.models import (
    SLUG_RULE,
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    Health,
    HealthNote,
    Organization,
    Program,
    ProgramType,
    slug_validator,
)
from chtprograms.selectors import SORTS, ProgramFilters, free_slug
from chtprograms.services import DATA_SHARING_AGREEMENT_FIELDS, PROGRAM_EDITABLE_FIELDS
from chtprograms.stages import Stage
from core.currencies import currency_choices
from core.forms import DateInput, PersonChoiceField, StyledFormMixin, VersionedFormMixin

User = get_user_model()


class ProgramForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
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
        # The help text and the error say the same rule; the model's own, stricter, check is the
        # only one (Django's generic "valid slug" message would say something else).
        self.fields["slug"].help_text = _(
            "Used in the program's web address. %(rule)s Filled in from the name; change it freely."
        ) % {"rule": SLUG_RULE}
        self.fields["slug"].validators = [slug_validator]
        # No maxlength attribute: a browser would cut a pasted long name without a word. The
        # server says how long it is, and program-form.js says so while typing.
        for name in ("name", "slug"):
            widget = self.fields[name].widget
            widget.attrs["data-max-length"] = widget.attrs.pop("maxlength", "")

    def _post_clean(self):
        super()._post_clean()
        if self.has_error("slug", "unique"):  # offer a free one: no need to guess
            suggestion = free_slug(self.instance.slug)
            if suggestion:
                del self._errors["slug"]
                self.add_error(
                    "slug",
                    ValidationError(
                        _("This short name is taken; choose another, for example “%(slug)s”.")
                        % {"slug": suggestion},
                        code="unique",
                    ),
                )


class ProgramCreateForm(ProgramForm):
    """A new program. Its head is the creator, or the person whose exact e-mail address is
    given: the form lists nobody, so it tells no one who else has an account."""

    head_email = forms.EmailField(
        label=_("Program head's e-mail address"),
        required=False,
        help_text=_(
            "Leave empty to be the program head yourself, or give the exact e-mail address of "
            "the person who will be. The head makes the gate decisions; you can add the rest "
            "of the team afterwards."
        ),
    )

    new_organization = forms.CharField(
        label=_("Or a new organization"),
        max_length=200,
        required=False,
        help_text=_("Its name, when it is not in the list yet: it is added with the program."),
    )
    new_organization_kind = forms.ChoiceField(
        label=_("Kind of the new organization"),
        choices=[("", "---------"), *Organization.Kind.choices],
        required=False,
    )

    def __init__(self, *args, creator, find_person, **kwargs):
        super().__init__(*args, **kwargs)
        self.creator = creator
        self.find_person = find_person
        # Chosen from the list or typed as a new one: clean() asks for one of the two.
        self.fields["lead_organization"].required = False
        self.fields["new_organization"].widget.attrs["data-max-length"] = self.fields[
            "new_organization"
        ].widget.attrs.pop("maxlength", "")

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.data.get(self.add_prefix("new_organization"), "").strip():
            exclusions.add("lead_organization")  # made by the service, with the program
        return exclusions

    def clean(self):
        data = super().clean()
        self._clean_new_organization(data)
        email = data.get("head_email")
        if email:
            head = self.find_person(email=email)
            if head is None:
                self.add_error(
                    "head_email",
                    _(
                        "No one can be made head with this address. Check it, leave it empty "
                        "to be the head yourself, or ask a site administrator."
                    ),
                )
            data["head"] = head
        elif "head_email" not in self.errors:
            data["head"] = self.creator
        return data

    def _clean_new_organization(self, data: dict) -> None:
        name = (data.get("new_organization") or "").strip()
        if "new_organization" in self.errors:
            return
        if not name:
            if not data.get("lead_organization") and "lead_organization" not in self.errors:
                self.add_error(
                    "lead_organization",
                    _("Choose the lead organization, or type a new one's name below."),
                )
            return
        if data.get("lead_organization"):
            self.add_error(
                "new_organization",
                _("Choose an organization from the list or type a new one, not both."),
            )
            return
        existing = Organization.objects.filter(name__iexact=name).first()
        if existing is not None:  # already there: use it rather than refuse a duplicate
            data["lead_organization"] = existing
            data["new_organization"] = ""
        elif not data.get("new_organization_kind"):
            self.add_error("new_organization_kind", _("Say what kind of organization it is."))

    def program_fields(self) -> dict:
        """The program's own fields (everything but the head)."""
        return {name: self.cleaned_data[name] for name in PROGRAM_EDITABLE_FIELDS}

    def new_lead_organization(self) -> dict | None:
        """The organization to add as the lead, when one was typed rather than chosen."""
        if not self.cleaned_data.get("new_organization"):
            return None
        return {
            "name": self.cleaned_data["new_organization"].strip(),
            "kind": self.cleaned_data["new_organization_kind"],
            "country": self.cleaned_data.get("country") or "",
        }


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


class ConsiderationForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
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


class DataSharingAgreementForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    version_new_records = True  # one per program: two people may fill it in at once

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
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", ""), *Stage.choices])
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
            stage=data.get("stage") or "",
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
