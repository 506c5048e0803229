"""The portfolio's filters, read from the address so that a view can be bookmarked and shared."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chtprograms.models import Health, ProgramType
from core.forms import bound_dates
from lifecycle.stages import Stage

from .selectors import ONLY_CHOICES, PortfolioFilters


def _choices(empty_label, choices):
    return [("", empty_label), *[(str(value), label) for value, label in choices]]


class PortfolioFilterForm(forms.Form):
    """Every field is optional; a field that does not validate is left out of the filters and
    its error is shown beside it."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_choices(_("Any type"), ProgramType.choices)
    )
    partner = forms.TypedChoiceField(
        label=_("Organization"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leading the program or partnering in it."),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_choices(_("Any stage"), Stage.choices)
    )
    health = forms.ChoiceField(
        label=_("Health"), required=False, choices=_choices(_("Any health"), Health.choices)
    )
    start_from = forms.DateField(
        label=_("Planned start from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2027-01-31.")},
    )
    start_to = forms.DateField(
        label=_("Planned start until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 2027-12-31.")},
    )
    only = forms.ChoiceField(
        label=_("Only"), required=False, choices=_choices(_("All programs"), ONLY_CHOICES)
    )

    def __init__(self, *args, countries, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _choices(_("Any country"), countries)
        self.fields["partner"].choices = _choices(_("Any organization"), organizations)
        bound_dates(self)
        for name, field in self.fields.items():
            css = "form-control" if isinstance(field, forms.DateField) else "form-select"
            field.widget.attrs["class"] = css
            if self.is_bound and name in self.errors:
                field.widget.attrs["class"] += " is-invalid"
                field.widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean(self):
        data = super().clean()
        start, end = data.get("start_from"), data.get("start_to")
        if start and end and end < start:
            self.add_error("start_to", _("The end of the range cannot be before its start."))
        return data

    def filters(self) -> PortfolioFilters:
        """The filters that validated (call after `is_valid()`)."""
        data = self.cleaned_data
        return PortfolioFilters(
            country=data.get("country") or "",
            program_type=data.get("type") or "",
            partner=data.get("partner"),
            stage=data.get("stage") or "",
            health=data.get("health") or "",
            started_from=data.get("start_from"),
            started_to=data.get("start_to"),
            only=data.get("only") or "",
        )
