"""`seed_demo` gives every demo program a plan and evidence, deterministically and once."""

import pytest
from django.core.management import call_command
from django.db import transaction

from chtprograms.models import Program
from plan.budget import selectors as budget_selectors
from plan.budget.models import BudgetLine, ExchangeRate, Expenditure
from plan.chw_support import selectors as chw_support_selectors
from plan.chw_support.models import CHWSupport
from plan.indicators import selectors as indicators_selectors
from plan.indicators.models import Indicator, Measurement
from plan.risks import selectors as risks_selectors
from plan.risks.models import Risk

pytestmark = pytest.mark.django_db


def plan_snapshot():
    return (
        sorted(
            BudgetLine.objects.values_list("program__slug", "category", "stage", "forecast_amount")
        ),
        sorted(Expenditure.objects.values_list("line__program__slug", "date", "amount")),
        sorted(
            Indicator.objects.values_list(
                "program__slug", "name", "baseline_value", "target_value", "target_date"
            )
        ),
        sorted(Measurement.objects.values_list("indicator__name", "period_end", "value")),
        sorted(CHWSupport.objects.values_list("program__slug", "chw_count", "compensation_model")),
        sorted(Risk.objects.values_list("program__slug", "description", "likelihood", "impact")),
    )


def test_demo_programs_get_a_budget_indicators_support_and_risks():
    call_command("seed_demo", programs=6, seed=11)
    ids = list(Program.objects.values_list("pk", flat=True))
    lines = budget_selectors.budget_line_counts(program_ids=ids)
    baselines = indicators_selectors.indicator_baselines(program_ids=ids)
    for program in Program.objects.all():
        assert lines[program.pk] >= 3
        assert 1 <= baselines[program.pk].indicators <= 3
        assert baselines[program.pk].missing == ()
        assert chw_support_selectors.chw_support_get(program=program) is not None
        assert len(risks_selectors.risk_list(program=program)) == 2
        for expenditure in budget_selectors.expenditure_list(program=program):
            assert program.planned_start <= expenditure.date <= program.planned_end
    assert Expenditure.objects.exists() and Measurement.objects.exists()
    rates = set(ExchangeRate.objects.values_list("currency", flat=True))
    assert rates == {"KES", "UGX", "NPR", "XOF", "TZS", "MWK"}


def seeded_plan(seed: int):
    """The plan a fresh database gets from `seed` (rolled back afterwards: history is kept
    forever, so programs cannot simply be deleted between two seeds)."""
    with transaction.atomic():
        call_command("seed_demo", programs=5, seed=seed)
        snapshot = plan_snapshot()
        transaction.set_rollback(True)
    return snapshot


def test_seeding_twice_changes_nothing_and_the_same_seed_gives_the_same_plan(capsys):
    again = seeded_plan(4)
    other = seeded_plan(5)
    call_command("seed_demo", programs=5, seed=4)
    first = plan_snapshot()
    rate_count = ExchangeRate.objects.count()
    call_command("seed_demo", programs=5, seed=4)
    assert plan_snapshot() == first
    assert ExchangeRate.objects.count() == rate_count == 18  # 3 dates, 6 currencies
    assert again == first
    assert other != first
