"""Plan and evidence across its parts: the overview a program page and the report show."""

from dataclasses import dataclass
from decimal import Decimal

from chtprograms.models import Program
from plan.budget.selectors import BudgetRow, budget_totals
from plan.indicators.selectors import indicators_on_track


@dataclass(frozen=True)
class PlanOverview:
    """For the program overview: budget spent and indicators on track."""

    currency: str
    forecast: Decimal
    spent: Decimal
    indicators_on_track: int
    indicator_total: int

    @property
    def percent_spent(self) -> int | None:
        return BudgetRow("", "", self.forecast, self.spent).percent_spent


def plan_overview(*, program: Program) -> PlanOverview:
    """Budget spent % and indicators on track, in a constant number of queries (3)."""
    forecast, spent = budget_totals(program=program)
    on_track, total = indicators_on_track(program=program)
    return PlanOverview(program.currency, forecast, spent, on_track, total)
