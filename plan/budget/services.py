"""Budget writes: exchange rates, forecast lines and expenditures."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chtprograms.models import (
    Program,
)
from core.services import checked_fields, create_validated, update_validated
from plan.budget.models import BudgetLine, ExchangeRate, Expenditure

BUDGET_LINE_FIELDS = ("category", "stage", "name", "forecast_amount", "note")


EXPENDITURE_FIELDS = ("line", "date", "amount", "description", "reference")


def exchange_rate_set(
    *, currency: str, effective_date: datetime.date, units_per_usd
) -> ExchangeRate:
    """Record how many units of `currency` buy one US dollar from `effective_date` on."""
    currency = currency.upper()
    rate = ExchangeRate.objects.filter(currency=currency, effective_date=effective_date).first()
    if rate is None:
        rate = ExchangeRate(
            currency=currency, effective_date=effective_date, units_per_usd=units_per_usd
        )
        return create_validated(rate)
    return update_validated(rate, ("units_per_usd",), {"units_per_usd": units_per_usd})


def budget_line_create(*, program: Program, **fields) -> BudgetLine:
    return create_validated(
        BudgetLine(program=program, **checked_fields(fields, BUDGET_LINE_FIELDS))
    )


def budget_line_update(*, line: BudgetLine, version: str | None = None, **fields) -> BudgetLine:
    return update_validated(line, BUDGET_LINE_FIELDS, fields, version=version)


def budget_line_delete(*, line: BudgetLine) -> None:
    """Delete a line that has no expenditures (money spent is never silently dropped)."""
    count = line.expenditures.count()
    if count:
        raise ValidationError(
            _(
                "This line has %(count)s expenditure(s). Delete them or move them to another "
                "line first."
            )
            % {"count": count},
            code="line_has_expenditures",
        )
    line.delete()


def _same_program(line: BudgetLine, program_id: int) -> None:
    if line.program_id != program_id:
        raise ValidationError({"line": _("Choose a budget line of this program.")})


def expenditure_create(*, program: Program, **fields) -> Expenditure:
    fields = checked_fields(fields, EXPENDITURE_FIELDS)
    _same_program(fields["line"], program.pk)
    return create_validated(Expenditure(**fields))


def expenditure_update(
    *, expenditure: Expenditure, version: str | None = None, **fields
) -> Expenditure:
    if "line" in fields:
        _same_program(fields["line"], expenditure.line.program_id)
    return update_validated(expenditure, EXPENDITURE_FIELDS, fields, version=version)


def expenditure_delete(*, expenditure: Expenditure) -> None:
    expenditure.delete()
