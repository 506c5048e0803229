"""Hosting writes: saved estimates (and adding one to the budget), the production instance."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chtprograms.models import (
    Program,
)
from chtprograms.stages import Stage
from core.services import create_validated
from plan.budget.models import BudgetCategory, BudgetLine
from plan.budget.rates import from_usd
from plan.budget.selectors import exchange_rates
from plan.budget.services import budget_line_create
from plan.hosting.estimate import estimate_hosting
from plan.hosting.models import HostingEstimate


def hosting_estimate_save(
    *,
    program: Program,
    by,
    users: int,
    population: int,
    workflows: int,
    years: int,
    overprovisioning: int,
    reports_per_workflow_year: int = 1,
    users_per_cpu: int = 288,
    documents_per_gb: int = 186_089,
) -> HostingEstimate:
    result = estimate_hosting(
        users=users,
        population=population,
        workflows=workflows,
        years=years,
        overprovisioning=overprovisioning,
        reports_per_workflow_year=reports_per_workflow_year,
        users_per_cpu=users_per_cpu,
        documents_per_gb=documents_per_gb,
    )
    return create_validated(
        HostingEstimate(
            program=program,
            created_by=by,
            users=users,
            population=population,
            workflows=workflows,
            years=years,
            overprovisioning=overprovisioning,
            reports_per_workflow_year=reports_per_workflow_year,
            users_per_cpu=users_per_cpu,
            documents_per_gb=documents_per_gb,
            documents=result.documents,
            disk_gb=result.disk_gb,
            cpus=result.cpus,
            ram_gb=result.ram_gb,
            monthly_usd=result.monthly_usd,
            deployment_usd=result.deployment_usd,
        )
    )


@transaction.atomic
def hosting_estimate_add_to_budget(
    *, estimate: HostingEstimate, on: datetime.date | None = None
) -> BudgetLine:
    """Add the estimate's cost over the deployment (each year at that year's size) as a hosting
    budget line, converted
    to the program's currency at the rate in force on `on` (today by default), in whole units."""
    estimate = (
        HostingEstimate.objects.select_for_update().select_related("program").get(pk=estimate.pk)
    )
    if estimate.budget_line_id is not None:
        raise ValidationError(
            _("This estimate is already in the budget."), code="already_in_budget"
        )
    program = estimate.program
    on = on or timezone.localdate()
    amount = from_usd(
        estimate.total_usd, program.currency, on, rates=exchange_rates([program.currency])
    )
    if amount is not None:
        amount = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)  # budgets in whole units
    if amount is None:
        raise ValidationError(
            _(
                "There is no exchange rate for %(currency)s on %(date)s, so the estimate cannot "
                "be converted. Ask a site administrator to add one."
            )
            % {"currency": program.currency, "date": date_format(on)},
            code="no_rate",
        )
    line = budget_line_create(
        program=program,
        category=BudgetCategory.HOSTING,
        stage=Stage.HOSTING,
        name=_("Hosting: %(users)s users, %(population)s people, %(years)s year(s)")
        % {"users": estimate.users, "population": estimate.population, "years": estimate.years},
        forecast_amount=amount,
        note=_(
            "From the hosting estimate of %(date)s: USD %(total)s over %(years)s year(s) (USD "
            "%(monthly)s per month in the final year), converted at the rate of %(on)s."
        )
        % {
            "date": date_format(timezone.localtime(estimate.created_at).date()),
            "monthly": estimate.monthly_usd,
            "years": estimate.years,
            "total": estimate.total_usd,
            "on": date_format(on),
        },
    )
    estimate.budget_line = line
    estimate.save(update_fields=["budget_line"])
    return line
