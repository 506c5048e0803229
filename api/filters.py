"""The lists' query parameters (django-filter). A value that does not validate is refused with a
400 naming the parameter, never ignored; `ordering` sorts ("-" first for descending)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from chtprograms.models import Health, Program, ProgramType
from core.validators import DATE_MAX, DATE_MIN
from instances.models import Snapshot, Status
from lifecycle.models import StageActivity, StageTransition
from lifecycle.stages import WORK_STAGE_CHOICES, ActivityStatus, Stage
from plan.budget.models import BudgetCategory, BudgetLine, Expenditure
from plan.indicators.models import Measurement
from plan.risks.models import Lesson, Level, Risk
from portfolio.selectors import ONLY_CHOICES, SORT_CHOICES, PortfolioFilters, portfolio_table

YES_NO = [("true", "true"), ("false", "false")]


@extend_schema_field(OpenApiTypes.INT)
class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time between 1990 and 2100 with a real UTC offset (at most 14 hours):
    anything else is a 400 naming the filter, never a date the database cannot take."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        offset = value.utcoffset()
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise forms.ValidationError(_("A UTC offset is at most 14 hours."))
        if not DATE_MIN <= value.date() <= DATE_MAX:
            raise forms.ValidationError(
                _("Enter a date between %(min)s and %(max)s.")
                % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
            )
        return value


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 999_999_999_999_999_999)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.ChoiceFilter):
    """`true` or `false`, and nothing else (a plain BooleanFilter reads "maybe" as "any")."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = YES_NO
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "true"})


class SortFilter(django_filters.ChoiceFilter):
    """`ordering`: one of the named sorts, "-" first for descending; ties by id."""

    def __init__(self, fields: dict[str, str], **kwargs):
        self.sorts = fields  # the parameter's value → the model field
        kwargs.setdefault("help_text", _("Sort by this (“-” first for descending)."))
        choices = [(value, value) for name in fields for value in (name, f"-{name}")]
        super().__init__(choices=choices, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        descending = value.startswith("-")
        field = self.sorts[value.removeprefix("-")]
        return qs.order_by(f"-{field}" if descending else field, "-pk" if descending else "pk")


class FilterSet(django_filters.FilterSet):
    """A parameter given empty (`?stage=`) is refused, not read as "any": a client that meant
    a value learns that it sent none."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and not "".join(self.data.getlist(name)).strip():
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class ProgramFilter(FilterSet):
    """The portfolio's filters (`portfolio.selectors.PortfolioFilters`), with the same names as
    in the portfolio page's address, and its sorts."""

    country = django_filters.ChoiceFilter(
        choices=lambda: list(countries), help_text=_("ISO 3166 code, e.g. KE.")
    )
    type = django_filters.ChoiceFilter(choices=ProgramType.choices)
    partner = IdFilter(help_text=_("An organization leading the program or partnering in it."))
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    health = django_filters.ChoiceFilter(choices=Health.choices)
    start_from = django_filters.DateFilter(help_text=_("Planned start on or after."))
    start_to = django_filters.DateFilter(help_text=_("Planned start on or before."))
    only = django_filters.ChoiceFilter(choices=ONLY_CHOICES)
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORT_CHOICES],
        help_text=_("Sort by this (“-” first for descending); name by default."),
    )

    class Meta:
        model = Program
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """The programs `portfolio_table` gives the person for these filters (the queryset
        passed in only says "every program the person may see", which it applies too)."""
        data = self.form.cleaned_data
        return portfolio_table(
            user=self.request.user,
            filters=PortfolioFilters(
                country=data.get("country") or "",
                program_type=data.get("type") or "",
                partner=data.get("partner"),
                stage=data.get("stage") or "",
                health=data.get("health") or "",
                started_from=data.get("start_from"),
                started_to=data.get("start_to"),
                only=data.get("only") or "",
            ),
            sort=data.get("ordering") or "name",
        )

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        start, end = (
            self.form.cleaned_data.get("start_from"),
            self.form.cleaned_data.get("start_to"),
        )
        if start and end and end < start:
            self.form.add_error("start_to", _("The end of the range cannot be before its start."))
            return False
        return valid


class HistoryFilter(FilterSet):
    ordering = SortFilter({"at": "at"})

    class Meta:
        model = StageTransition
        fields: list[str] = []


class ActivityFilter(FilterSet):
    stage = django_filters.ChoiceFilter(choices=WORK_STAGE_CHOICES)
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices)
    assignee = IdFilter(field_name="assignee_id", help_text=_("A person's id."))
    required = YesNoFilter()
    ordering = SortFilter({"position": "position", "due_on": "due_on", "updated_at": "updated_at"})

    class Meta:
        model = StageActivity
        fields: list[str] = []


class BudgetLineFilter(FilterSet):
    category = django_filters.ChoiceFilter(choices=BudgetCategory.choices)
    stage = django_filters.ChoiceFilter(choices=WORK_STAGE_CHOICES)
    ordering = SortFilter(
        {"forecast": "forecast_amount", "spent": "spent", "name": "name", "category": "category"}
    )

    class Meta:
        model = BudgetLine
        fields: list[str] = []


class ExpenditureFilter(FilterSet):
    line = IdFilter(field_name="line_id", help_text=_("A budget line's id."))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    ordering = SortFilter({"date": "date", "amount": "amount"})

    class Meta:
        model = Expenditure
        fields: list[str] = []


class MeasurementFilter(FilterSet):
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_to = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")
    ordering = SortFilter({"period_end": "period_end"})

    class Meta:
        model = Measurement
        fields: list[str] = []


class RiskFilter(FilterSet):
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices)
    likelihood = django_filters.ChoiceFilter(choices=Level.choices)
    impact = django_filters.ChoiceFilter(choices=Level.choices)
    ordering = SortFilter({"created_at": "created_at", "updated_at": "updated_at"})

    class Meta:
        model = Risk
        fields: list[str] = []


class LessonFilter(FilterSet):
    stage = django_filters.ChoiceFilter(choices=WORK_STAGE_CHOICES)
    ordering = SortFilter({"recorded_on": "recorded_on"})

    class Meta:
        model = Lesson
        fields: list[str] = []


class SnapshotFilter(FilterSet):
    polled_after = BoundedIsoDateTimeFilter(field_name="polled_at", lookup_expr="gte")
    polled_before = BoundedIsoDateTimeFilter(field_name="polled_at", lookup_expr="lt")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    ordering = SortFilter({"polled_at": "polled_at"})

    class Meta:
        model = Snapshot
        fields: list[str] = []
