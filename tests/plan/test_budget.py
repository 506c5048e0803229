"""Budget arithmetic, currency conversion and the budget services' validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from chtprograms.models import Health, Program
from core.money import approximate, format_money, format_money_with_usd
from plan.budget import selectors, services
from plan.budget.models import BudgetLine, Expenditure
from plan.budget.rates import from_usd, to_usd, usd_total
from plan.budget.selectors import exchange_rates
from tests.factories import (
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    ProgramFactory,
)
from tests.queries import exact_queries

pytestmark = pytest.mark.django_db

D = Decimal
JAN, MAR = datetime.date(2027, 1, 1), datetime.date(2027, 3, 1)


# --- currency conversion ----------------------------------------------------------------------


@pytest.fixture
def kes_rates():
    ExchangeRateFactory(currency="KES", effective_date=JAN, units_per_usd="100")
    ExchangeRateFactory(currency="KES", effective_date=MAR, units_per_usd="125")


def test_conversion_uses_the_rate_in_force_on_the_date(kes_rates):
    rates = exchange_rates()
    assert to_usd(D("1000"), "KES", JAN, rates=rates) == D("10.00")  # the first day of a rate
    assert to_usd(D("1000"), "KES", datetime.date(2027, 2, 28), rates=rates) == D(
        "10.00"
    )  # the last day
    assert to_usd(D("1000"), "KES", MAR, rates=rates) == D("8.00")  # the next rate takes over
    assert to_usd(D("1000"), "KES", datetime.date(2030, 1, 1), rates=rates) == D(
        "8.00"
    )  # the latest rate


def test_no_rate_before_the_first_one(kes_rates):
    rates = exchange_rates()
    assert to_usd(D("1000"), "KES", datetime.date(2026, 12, 31), rates=rates) is None
    assert to_usd(D("1000"), "UGX", MAR, rates=rates) is None


def test_dollars_need_no_rate_and_codes_are_case_insensitive(kes_rates):
    rates = exchange_rates()
    assert to_usd(D("12.34"), "USD", datetime.date(1990, 1, 1), rates=rates) == D("12.34")
    assert to_usd(D("250"), "kes", MAR, rates=rates) == D("2.00")


def test_conversion_rounds_to_the_cent_half_up():
    ExchangeRateFactory(currency="XOF", effective_date=JAN, units_per_usd="600")
    rates = exchange_rates()
    assert to_usd(D("1003"), "XOF", JAN, rates=rates) == D("1.67")  # 1.671666…
    assert to_usd(D("3"), "XOF", JAN, rates=rates) == D("0.01")  # 0.005 → 0.01
    assert from_usd(D("1.5"), "XOF", JAN, rates=rates) == D("900.00")


def test_totals_across_currencies_and_dates_in_one_query(kes_rates):
    ExchangeRateFactory(currency="UGX", effective_date=JAN, units_per_usd="3700")
    items = [
        (D("1000"), "KES", datetime.date(2027, 2, 1)),  # 10.00
        (D("1000"), "KES", datetime.date(2027, 4, 1)),  # 8.00
        (D("37000"), "UGX", datetime.date(2027, 4, 1)),  # 10.00
        (D("5"), "USD", datetime.date(2027, 4, 1)),  # 5.00
    ]
    with exact_queries(1):
        total = usd_total(items, rates=exchange_rates({currency for _, currency, _ in items}))
    assert total.total == D("33.00")
    assert total.complete


def test_totals_report_what_they_could_not_convert(kes_rates):
    total = usd_total(
        [
            (D("1000"), "KES", MAR),
            (D("10"), "NPR", MAR),
            (D("1000"), "KES", datetime.date(2026, 5, 1)),
        ],
        rates=exchange_rates(),
    )
    assert total.total == D("8.00")
    assert total.missing == [("NPR", MAR), ("KES", datetime.date(2026, 5, 1))]
    assert not total.complete


def test_a_loaded_rate_table_converts_without_queries(kes_rates):
    rates = exchange_rates(["KES"])
    with exact_queries(0):
        assert to_usd(D("500"), "KES", MAR, rates=rates) == D("4.00")


def test_money_display():
    assert format_money(D("1250000"), "KES") == "KES 1,250,000"
    assert format_money(D("1250.5"), "KES") == "KES 1,250.50"
    # 1,250,000 / 129.5 = 9,652.51 → about USD 9,650
    usd = D("1250000") / D("129.5")
    assert format_money_with_usd(D("1250000"), "KES", usd) == "KES 1,250,000 (≈ USD 9,650)"
    assert format_money_with_usd(D("1250000"), "KES", None) == "KES 1,250,000"
    assert format_money_with_usd(D("300"), "USD", D("300")) == "USD 300"
    assert approximate(D("999.6")) == D("1000")
    assert approximate(D("12.4")) == D("12")


def test_exchange_rates_are_validated():
    rate = services.exchange_rate_set(currency="kes", effective_date=JAN, units_per_usd=D("130"))
    assert rate.currency == "KES"
    again = services.exchange_rate_set(currency="KES", effective_date=JAN, units_per_usd=D("131"))
    assert again.pk == rate.pk and again.units_per_usd == D("131")
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_set(currency="KSH", effective_date=JAN, units_per_usd=D("1"))
    assert "currency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_set(currency="USD", effective_date=JAN, units_per_usd=D("1"))
    assert "currency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.exchange_rate_set(currency="UGX", effective_date=JAN, units_per_usd=D("0"))
    assert "units_per_usd" in error.value.message_dict


# --- budget totals ----------------------------------------------------------------------------


@pytest.fixture
def program():
    # 24 months: January 2027 to December 2028
    return ProgramFactory(planned_start=JAN, planned_end=datetime.date(2028, 12, 31))


@pytest.fixture
def spending(program):
    devices = BudgetLineFactory(
        program=program, category="devices", stage="implementation", forecast_amount="100000"
    )
    personnel = BudgetLineFactory(
        program=program, category="personnel", stage="", forecast_amount="200000"
    )
    hosting = BudgetLineFactory(
        program=program, category="hosting", stage="hosting", forecast_amount="50000"
    )
    ExpenditureFactory(line=devices, date=datetime.date(2027, 2, 10), amount="30000")
    ExpenditureFactory(line=devices, date=datetime.date(2027, 3, 5), amount="20000")
    ExpenditureFactory(line=personnel, date=datetime.date(2027, 3, 20), amount="25000")
    return devices, personnel, hosting


def test_budget_totals_remaining_and_burn(program, spending):
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 3, 31))
    assert summary.forecast == D("350000")
    assert summary.actual == D("75000")
    assert summary.remaining == D("275000")
    assert summary.percent_spent == 21  # 21.4%
    assert summary.months_elapsed == 3  # January, February and March
    assert summary.months_left == 21
    assert summary.burn_per_month == D("25000.00")
    assert summary.projected == D("600000.00")  # 75,000 + 21 × 25,000
    assert summary.runway_months == D("11.0")  # 275,000 / 25,000
    assert summary.status == Health.AT_RISK  # the forecast runs out before the planned end
    assert summary.monthly_spend == [
        (datetime.date(2027, 2, 1), D("30000")),
        (datetime.date(2027, 3, 1), D("45000")),
    ]
    lines = {line.category: line for line in summary.lines}
    assert lines["devices"].spent == D("50000") and lines["devices"].remaining == D("50000")
    assert lines["hosting"].spent == D("0")


def test_forecast_and_actual_per_category_and_per_stage(program, spending):
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 3, 31))
    by_category = [(r.key, r.forecast, r.actual, r.remaining) for r in summary.by_category]
    assert by_category == [
        ("personnel", D("200000"), D("25000"), D("175000")),
        ("devices", D("100000"), D("50000"), D("50000")),
        ("hosting", D("50000"), D("0"), D("50000")),
    ]
    by_stage = [(r.key, r.forecast, r.actual) for r in summary.by_stage]
    assert by_stage == [
        ("hosting", D("50000"), D("0")),
        ("implementation", D("100000"), D("50000")),
        ("", D("200000"), D("25000")),  # lines without a stage come last
    ]
    assert [r.percent_spent for r in summary.by_category] == [13, 50, 0]  # 12.5% rounds up


def test_spending_within_the_forecast_at_this_rate_is_on_track(program):
    line = BudgetLineFactory(program=program, forecast_amount="240000")
    ExpenditureFactory(line=line, date=datetime.date(2027, 2, 1), amount="20000")
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 2, 28))
    # 20,000 over 2 months = 10,000 a month; 22 months left → 240,000 exactly: on track
    assert summary.projected == D("240000.00")
    assert summary.status == Health.ON_TRACK


def test_spending_more_than_the_forecast_is_off_track(program):
    line = BudgetLineFactory(program=program, forecast_amount="1000")
    ExpenditureFactory(line=line, date=datetime.date(2027, 2, 1), amount="1000.01")
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 2, 28))
    assert summary.remaining == D("-0.01")
    assert summary.by_category[0].overspent
    assert summary.status == Health.OFF_TRACK


def test_before_the_start_nothing_burns_and_after_the_end_nothing_is_left(program):
    BudgetLineFactory(program=program, forecast_amount="1000")
    before = selectors.budget_summary(program=program, today=datetime.date(2026, 6, 1))
    assert (before.months_elapsed, before.months_left, before.burn_per_month) == (0, 24, 0)
    assert before.status == Health.ON_TRACK
    after = selectors.budget_summary(program=program, today=datetime.date(2030, 1, 1))
    assert (after.months_elapsed, after.months_left) == (24, 0)


def test_no_budget_has_no_status(program):
    summary = selectors.budget_summary(program=program)
    assert summary.status == "" and summary.percent_spent is None
    assert selectors.budget_line_counts(program_ids=[program.pk]) == {}


def test_usd_figures_use_each_expenditures_own_date(program, spending, kes_rates):
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 3, 31))
    # 30,000 / 100 (February) + 20,000 / 125 + 25,000 / 125 (March) = 300 + 160 + 200
    assert summary.actual_usd_total == D("660.00")
    assert summary.forecast_usd == D("2800.00")  # 350,000 at today's rate of 125
    assert not summary.usd_incomplete


def test_usd_figures_are_left_out_when_a_rate_is_missing(program, spending):
    ExchangeRateFactory(currency="KES", effective_date=MAR, units_per_usd="125")
    summary = selectors.budget_summary(program=program, today=datetime.date(2027, 3, 31))
    assert summary.actual_usd.missing == [("KES", datetime.date(2027, 2, 10))]
    assert summary.actual_usd_total is None
    assert summary.usd_incomplete


def test_budget_totals_and_counts_for_the_gates(program, spending):
    assert selectors.budget_totals(program=program) == (D("350000"), D("75000"))
    assert selectors.budget_forecast_total(program=program) == D("350000")
    assert selectors.budget_line_counts(program_ids=[program.pk]) == {program.pk: 3}
    assert selectors.expenditure_count(program=program) == 3
    other = ProgramFactory()
    assert selectors.budget_totals(program=other) == (D("0"), D("0"))


# --- validation -------------------------------------------------------------------------------


def line_data(**overrides):
    return {"category": "devices", "stage": "", "name": "Phones", "forecast_amount": D("10")}


@pytest.mark.parametrize(
    ("amount", "ok"),
    [(D("-0.01"), False), (D("0"), True), (D("10.5"), True), (D("1.234"), False)],
)
def test_a_forecast_is_never_negative_and_has_cents_at_most(program, amount, ok):
    data = {**line_data(), "forecast_amount": amount}
    if ok:
        assert services.budget_line_create(program=program, **data).forecast_amount == amount
    else:
        with pytest.raises(ValidationError) as error:
            services.budget_line_create(program=program, **data)
        assert "forecast_amount" in error.value.message_dict
        assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("amount", "ok"), [(D("-5"), False), (D("0"), False), (D("0.01"), True), (D("9.999"), False)]
)
def test_an_expenditure_is_a_positive_amount(program, amount, ok):
    line = BudgetLineFactory(program=program)
    data = {"line": line, "date": JAN, "amount": amount, "description": "x", "reference": ""}
    if ok:
        services.expenditure_create(program=program, **data)
        assert Expenditure.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            services.expenditure_create(program=program, **data)
        assert "amount" in error.value.message_dict


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (datetime.date(2026, 12, 31), False),
        (JAN, True),
        (datetime.date(2028, 12, 31), True),
        (datetime.date(2029, 1, 1), False),
    ],
)
def test_expenditure_dates_are_within_the_program(program, day, ok):
    line = BudgetLineFactory(program=program)
    data = {"line": line, "date": day, "amount": D("5"), "description": "x", "reference": ""}
    if ok:
        services.expenditure_create(program=program, **data)
    else:
        with pytest.raises(ValidationError) as error:
            services.expenditure_create(program=program, **data)
        assert "within the program" in error.value.message_dict["date"][0]


def test_an_expenditure_must_use_a_line_of_its_program(program):
    other_line = BudgetLineFactory(program=ProgramFactory())
    data = {"line": other_line, "date": JAN, "amount": D("5"), "description": "x"}
    with pytest.raises(ValidationError) as error:
        services.expenditure_create(program=program, **data)
    assert "line" in error.value.message_dict
    expenditure = ExpenditureFactory(line=BudgetLineFactory(program=program))
    with pytest.raises(ValidationError):
        services.expenditure_update(expenditure=expenditure, line=other_line)


def test_a_line_with_expenditures_cannot_be_deleted(program):
    line = BudgetLineFactory(program=program)
    ExpenditureFactory(line=line)
    with pytest.raises(ValidationError, match="1 expenditure"):
        services.budget_line_delete(line=line)
    assert BudgetLine.objects.filter(pk=line.pk).exists()
    services.expenditure_delete(expenditure=line.expenditures.get())
    services.budget_line_delete(line=line)
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_updates_save_only_what_changed(program):
    line = services.budget_line_create(program=program, **line_data())
    services.budget_line_update(line=line, forecast_amount=D("99"), note="revised")
    line.refresh_from_db()
    assert (line.forecast_amount, line.note, line.name) == (D("99"), "revised", "Phones")
    with pytest.raises(TypeError):
        services.budget_line_update(line=line, program=ProgramFactory())


def test_money_spent_is_never_deleted_with_its_line_whatever_the_path(program, spending):
    # Expenditure.line is PROTECT: not through the ORM, not with the whole program (programs are
    # archived, never deleted). `budget_line_delete` refuses with a message (tested above).
    spent = Expenditure.objects.count()
    with pytest.raises(ProtectedError):
        BudgetLine.objects.filter(program=program).delete()
    with pytest.raises(ProtectedError):
        Program.objects.filter(pk=program.pk).delete()
    assert Expenditure.objects.count() == spent > 0
