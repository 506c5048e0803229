"""Budget forms."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from chtprograms.models import (
    Program,
)
from core.forms import DateInput, MoneyInput, StyledFormMixin, VersionedFormMixin
from plan.budget.models import BudgetLine, Expenditure
from plan.budget.services import BUDGET_LINE_FIELDS, EXPENDITURE_FIELDS


class BudgetLineForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
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


class ExpenditureForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
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
