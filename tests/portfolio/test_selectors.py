"""The other apps' selectors the portfolio composes: money in US dollars across programs, the 4S
gaps in the database, stage durations from plans and history."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from chtprograms.models import Program
from lifecycle.models import Lifecycle, StagePlan, StageTransition
from lifecycle.portfolio_selectors import _median_of_counts, stage_durations
from lifecycle.services import stage_stays_rebuild
from plan.budget.selectors import budget_usd_breakdown
from plan.chw_support.models import CHWSupport
from plan.chw_support.selectors import chw_gap_conditions, chw_support_gaps, chw_support_totals
from tests.factories import (
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


def test_spending_is_converted_at_the_rate_of_its_date_and_gaps_are_reported():
    ExchangeRateFactory(currency="KES", effective_date=datetime.date(2026, 1, 1), units_per_usd=100)
    ExchangeRateFactory(currency="KES", effective_date=datetime.date(2026, 7, 1), units_per_usd=200)
    start, end = datetime.date(2025, 6, 1), datetime.date(2027, 12, 31)
    kenya = ProgramFactory(country="KE", currency="KES", planned_start=start, planned_end=end)
    line = BudgetLineFactory(program=kenya, forecast_amount="40000.00")
    for day, amount in [
        (datetime.date(2026, 3, 1), "1000"),  # 10 USD
        (datetime.date(2026, 6, 30), "500"),  # 5 USD: the last day of the first rate
        (datetime.date(2026, 7, 1), "1000"),  # 5 USD
        (datetime.date(2026, 9, 9), "3000"),  # 15 USD
    ]:
        ExpenditureFactory(line=line, date=day, amount=amount)
    usa = ProgramFactory(
        country="US", currency="USD", program_type="research", planned_start=start, planned_end=end
    )
    ExpenditureFactory(
        line=BudgetLineFactory(program=usa, forecast_amount="900.00"),
        date=datetime.date(2025, 7, 1),
        amount="120.50",
    )
    breakdown = budget_usd_breakdown(
        programs=Program.objects.all(), today=datetime.date(2026, 11, 1)
    )
    assert breakdown.total.spent == Decimal("155.50")
    assert breakdown.total.forecast == Decimal("1100.00")  # 40,000 KES at today's 200, + 900
    assert not breakdown.total.missing
    assert breakdown.by_country["KE"].spent == Decimal("35.00")
    assert breakdown.by_type["research"].spent == Decimal("120.50")
    assert breakdown.by_type["accompanied"].percent_spent == 18  # 35 of 200
    # Spending before the first rate cannot be converted: it is left out and reported.
    ExpenditureFactory(line=line, date=datetime.date(2025, 12, 31), amount="7000")
    breakdown = budget_usd_breakdown(programs=Program.objects.all())
    assert breakdown.total.spent == Decimal("155.50")
    assert breakdown.total.missing == {"KES"}
    assert breakdown.by_type["research"].missing == set()


def test_the_database_finds_the_same_4s_gaps_as_the_program_pages(settings):
    settings.CHW_PER_SUPERVISOR_LIMIT = 10
    today = timezone.localdate()
    combinations = itertools.product(
        [None, today - datetime.timedelta(days=30), today - datetime.timedelta(days=400)],
        [None, 5, 20],
        ["salary", "unpaid"],
        ["adequate", "stock_outs"],
    )
    supports = []
    for index, (refresher, supervisors, model, supply) in enumerate(combinations):
        program = ProgramFactory()
        paid = model != "unpaid"
        supports.append(
            CHWSupport.objects.create(
                program=program,
                chw_count=100 + index,
                last_refresher=refresher,
                supervisor_count=supervisors,
                compensation_model=model,
                compensation_amount=Decimal(50) if paid else None,
                compensation_currency="KES" if paid else "",
                compensation_frequency="monthly" if paid else "",
                supply_status=supply,
            )
        )
    conditions = chw_gap_conditions(today=today)
    for support in supports:
        expected = {code for code, _message in chw_support_gaps(support=support, today=today)}
        found = {
            code
            for code, condition in conditions.items()
            if CHWSupport.objects.filter(condition, pk=support.pk).exists()
        }
        assert found == expected, support.__dict__
    totals = chw_support_totals(programs=Program.objects.all(), today=today)
    assert totals.programs == len(supports) == 36
    assert totals.chws == sum(support.chw_count for support in supports)
    assert totals.unpaid_chws == sum(
        s.chw_count for s in supports if s.compensation_model == "unpaid"
    )
    assert totals.gaps == {"skilled": 24, "supervised": 24, "salaried": 18, "supplied": 18}


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


def make_history(program, created: str, moves: list[tuple[str, str, str]], stage: str):
    """Give a program a lifecycle created on `created` and a history of (day, transition,
    target) rows; its current stage is `stage`."""
    lifecycle = program.lifecycle
    Lifecycle.objects.filter(pk=lifecycle.pk).update(
        created_at=at(created), stage=stage, last_stage=stage if stage != "closed" else "closeout"
    )
    source = "initiation"
    for day, transition, target in moves:
        StageTransition.objects.create(
            lifecycle=lifecycle, transition=transition, source=source, target=target, at=at(day)
        )
        source = target
    # History written directly, as an import would: the summary is rebuilt as its command does.
    stage_stays_rebuild(lifecycle_ids=[lifecycle.pk])


def test_stage_durations_are_medians_of_plans_and_of_the_stages_programs_left():
    start = datetime.date(2026, 1, 1)
    one, two, three = (
        ProgramFactory(planned_start=start, planned_end=start + datetime.timedelta(days=days))
        for days in (199, 399, 599)
    )
    # 10, 20 and 40 days in initiation; planning left by one program only (send back included:
    # 5 days, back to initiation for 3, then 7 more in planning = 12).
    make_history(one, "2026-01-01", [("2026-01-11", "advance", "planning")], "planning")
    make_history(
        two,
        "2026-01-01",
        [
            ("2026-01-21", "advance", "planning"),
            ("2026-01-26", "send_back", "initiation"),
            ("2026-01-29", "advance", "planning"),
            ("2026-02-05", "advance", "design"),
        ],
        "design",
    )
    make_history(
        three,
        "2026-01-01",
        [("2026-02-10", "advance", "planning"), ("2026-02-20", "hold", "on_hold")],
        "on_hold",
    )
    rows = {row.stage: row for row in stage_durations(programs=Program.objects.all())}
    # Initiation: one 10; two 20 + 3 = 23; three 40 → median 23.
    assert (rows["initiation"].actual_median, rows["initiation"].actual_count) == (23, 3)
    # Planning: only `two` has left it (three is on hold in it): 5 + 7.
    assert (rows["planning"].actual_median, rows["planning"].actual_count) == (12, 1)
    assert rows["design"].actual_median is None  # `two` is still in it
    plans = StagePlan.objects.filter(stage="building")
    days = sorted((plan.planned_end - plan.planned_start).days + 1 for plan in plans)
    assert rows["building"].planned_median == days[1] and rows["building"].planned_count == 3
    assert len(set(days)) == 3  # the three plans differ: the median is the middle one
    # Only the programs asked about count.
    rows = {row.stage: row for row in stage_durations(programs=Program.objects.filter(pk=one.pk))}
    assert rows["initiation"].actual_median == 10


@pytest.mark.parametrize(
    ("counts", "median"),
    [
        ({}, None),
        ({5: 1}, 5),
        ({1: 1, 9: 1}, 5),
        ({1: 2, 4: 1}, 1),
        ({1: 1, 3: 1, 10: 2}, 6.5),
        ({7: 3, 2: 1}, 7),
    ],
)
def test_median_of_counts(counts, median):
    assert _median_of_counts(counts) == median
