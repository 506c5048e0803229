from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .currencies import currency_choices
from .hosting import DEFAULT_OVERPROVISIONING
from .models import (
    BudgetLine,
    CHWSupport,
    Consideration,
    ConsiderationItem,
    DataSharingAgreement,
    Expenditure,
    HealthNote,
    HostingInstance,
    Indicator,
    Lesson,
    Measurement,
    Organization,
    Program,
    Risk,
    ScalingDecision,
)
from .services import (
    BUDGET_LINE_FIELDS,
    CHW_SUPPORT_FIELDS,
    DATA_SHARING_AGREEMENT_FIELDS,
    EXPENDITURE_FIELDS,
    HOSTING_INSTANCE_FIELDS,
    INDICATOR_FIELDS,
    LESSON_FIELDS,
    MEASUREMENT_FIELDS,
    PROGRAM_EDITABLE_FIELDS,
    RISK_FIELDS,
    SCALING_DECISION_FIELDS,
)

User = get_user_model()


class StyledFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the fields that have errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def person_label(user) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_label(obj)


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


PartnerFormSet = forms.formset_factory(PartnerForm, formset=BasePartnerFormSet, extra=2)


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


# --- plan and evidence ------------------------------------------------------------------------


class MoneyInput(forms.NumberInput):
    def __init__(self, **kwargs):
        super().__init__(attrs={"step": "0.01", "min": "0", "inputmode": "decimal", **kwargs})


class ValueInput(forms.NumberInput):
    def __init__(self, **kwargs):
        super().__init__(attrs={"step": "any", "inputmode": "decimal", **kwargs})


class BudgetLineForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = BUDGET_LINE_FIELDS
        widgets = {"forecast_amount": MoneyInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forecast_amount"].label = _("Forecast amount (%(currency)s)") % {
            "currency": program.currency
        }


class BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        stage = f" · {obj.get_stage_display()}" if obj.stage else ""
        return f"{obj.get_category_display()}{stage} — {obj.name}"


class ExpenditureForm(StyledFormMixin, forms.ModelForm):
    line = BudgetLineChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())

    class Meta:
        model = Expenditure
        fields = EXPENDITURE_FIELDS
        widgets = {"date": DateInput(), "amount": MoneyInput(min="0.01")}

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.filter(program=program).order_by(
            "category", "name", "id"
        )
        self.fields["amount"].label = _("Amount (%(currency)s)") % {"currency": program.currency}
        self.fields["date"].help_text = _("Between %(start)s and %(end)s.") % {
            "start": date_format(program.planned_start),
            "end": date_format(program.planned_end),
        }


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {
            "baseline_value": ValueInput(),
            "target_value": ValueInput(),
            "baseline_date": DateInput(),
            "target_date": DateInput(),
        }


class MeasurementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Measurement
        fields = MEASUREMENT_FIELDS
        widgets = {
            "period_end": DateInput(),
            "value": ValueInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class CHWSupportForm(StyledFormMixin, forms.ModelForm):
    compensation_currency = forms.ChoiceField(label=_("Currency"), choices=(), required=False)

    class Meta:
        model = CHWSupport
        fields = CHW_SUPPORT_FIELDS
        widgets = {
            "last_refresher": DateInput(),
            "next_refresher": DateInput(),
            "last_restock": DateInput(),
            "compensation_amount": MoneyInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compensation_currency"].choices = [("", "---------"), *currency_choices()]
        self.fields["supervisor_count"].help_text = _("Used for the number of CHWs per supervisor.")


class RiskForm(StyledFormMixin, forms.ModelForm):
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


class LessonForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Lesson
        fields = LESSON_FIELDS
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "what_we_learned": forms.Textarea(attrs={"rows": 3}),
            "recorded_on": DateInput(),
        }


class ScalingDecisionForm(StyledFormMixin, forms.ModelForm):
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


class HostingEstimateForm(StyledFormMixin, forms.Form):
    users = forms.IntegerField(
        label=_("Users"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("CHWs, supervisors and other people with a CHT account."),
    )
    population = forms.IntegerField(
        label=_("Population served"),
        min_value=0,
        max_value=1_000_000_000,
        help_text=_("People registered in the app (household members, patients)."),
    )
    workflows = forms.IntegerField(
        label=_("Workflows"),
        min_value=0,
        max_value=1000,
        help_text=_("Care workflows in the app, e.g. pregnancy, immunization, malaria."),
    )
    years = forms.IntegerField(label=_("Deployment years"), min_value=1, max_value=30)
    overprovisioning = forms.IntegerField(
        label=_("Over-provisioning"),
        min_value=1,
        max_value=50,
        initial=DEFAULT_OVERPROVISIONING,
        help_text=_("Headroom on the database disk: 5 means five times the estimated size."),
    )


class DataSharingAgreementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DataSharingAgreement
        fields = DATA_SHARING_AGREEMENT_FIELDS
        widgets = {"signed_on": DateInput(), "expires_on": DateInput()}


class HostingInstanceForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = HostingInstance
        fields = HOSTING_INSTANCE_FIELDS
        widgets = {"domain_renews_on": DateInput(), "tls_expires_on": DateInput()}
