"""The demo programs' plan and evidence: exchange rates, budget and spending, indicators and
their measurements, CHW support, risks and lessons.

Every random value of a program's plan is drawn up front (`plan_values`) from the program's own
generator, then written through the plan services (`plan_create`)."""

import datetime
import random
from decimal import Decimal

from chtprograms.models import Program
from chtprograms.stages import Stage
from personas.models import PersonaRole
from plan.budget import services as budget_services
from plan.budget.models import BudgetCategory
from plan.chw_support import services as chw_support_services
from plan.chw_support.models import CHWSupport
from plan.indicators import services as indicators_services
from plan.indicators.models import Indicator
from plan.risks import services as risks_services
from plan.risks.models import Level, Risk

#: currency → [(effective date, units per US dollar)]; the first one covers the oldest
#: programs' spending (a demo program may have started three years before today).
DEMO_RATES = {
    "KES": [
        (datetime.date(2021, 1, 1), "110.20"),
        (datetime.date(2025, 1, 1), "129.40"),
        (datetime.date(2026, 1, 1), "129.20"),
    ],
    "UGX": [
        (datetime.date(2021, 1, 1), "3650"),
        (datetime.date(2025, 1, 1), "3680"),
        (datetime.date(2026, 1, 1), "3610"),
    ],
    "NPR": [
        (datetime.date(2021, 1, 1), "118.00"),
        (datetime.date(2025, 1, 1), "136.90"),
        (datetime.date(2026, 1, 1), "140.50"),
    ],
    "XOF": [
        (datetime.date(2021, 1, 1), "540"),
        (datetime.date(2025, 1, 1), "630"),
        (datetime.date(2026, 1, 1), "570"),
    ],
    "TZS": [
        (datetime.date(2021, 1, 1), "2310"),
        (datetime.date(2025, 1, 1), "2480"),
        (datetime.date(2026, 1, 1), "2560"),
    ],
    "MWK": [
        (datetime.date(2021, 1, 1), "780"),
        (datetime.date(2025, 1, 1), "1735"),
        (datetime.date(2026, 1, 1), "1740"),
    ],
}

#: (category, stage, description, typical US dollars)
BUDGET_TEMPLATES = [
    (BudgetCategory.PERSONNEL, "", "Program team salaries", 60_000),
    (BudgetCategory.DEVICES, Stage.IMPLEMENTATION, "Smartphones, covers and power banks", 25_000),
    (BudgetCategory.HOSTING, Stage.HOSTING, "Cloud hosting", 1_500),
    (BudgetCategory.TRAINING, Stage.IMPLEMENTATION, "CHW and supervisor training", 12_000),
    (BudgetCategory.TRAVEL, Stage.DESIGN, "Design field trip", 4_000),
    (BudgetCategory.OTHER, Stage.SUPPORT, "Airtime and mobile data", 6_000),
]

#: (name, unit, direction, baseline range, change range)
UP, DOWN = Indicator.Direction.INCREASE, Indicator.Direction.DECREASE
INDICATOR_TEMPLATES = [
    ("Households visited in the month", "%", UP, (30, 50), (20, 35)),
    ("Pregnant women with 4+ antenatal visits", "%", UP, (35, 55), (15, 25)),
    ("Children treated within 24 hours of a fever", "%", UP, (20, 40), (25, 40)),
    ("Stock-out days per month", "days", DOWN, (8, 14), (5, 9)),
]

RISKS = [
    ("Devices arrive late from the supplier.", "Order early; keep a buffer of 10% spare phones."),
    ("Poor mobile coverage in remote areas.", "Offline-first app; sync when in coverage."),
    ("Supervisors leave the program.", "Train two supervisors per area; document the role."),
    ("Funding for CHW stipends ends early.", "Agree a transition plan with the ministry."),
]

LESSONS = [
    (
        Stage.DESIGN,
        "CHWs found the first household form too long.",
        "Test forms with CHWs in the field before building them.",
    ),
    (
        Stage.IMPLEMENTATION,
        "Training classes of 40 were too large to practise on phones.",
        "Keep classes at 30 or fewer, one facilitator per 10 trainees.",
    ),
    (
        Stage.PLANNING,
        "Hosting costs were left out of the first budget.",
        "Use the hosting estimate during planning.",
    ),
]


def exchange_rates_set() -> None:
    for currency, rates in DEMO_RATES.items():
        for effective_date, units in rates:
            budget_services.exchange_rate_set(
                currency=currency, effective_date=effective_date, units_per_usd=Decimal(units)
            )


def _rate(currency: str) -> Decimal:
    return Decimal(DEMO_RATES[currency][-1][1]) if currency in DEMO_RATES else Decimal(1)


def _money(usd: float, currency: str) -> Decimal:
    """US dollars in the local currency, rounded to the hundred."""
    return (Decimal(str(usd)) * _rate(currency) / 100).quantize(Decimal(1)) * 100


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def plan_values(rng: random.Random, *, start, end, currency, today: datetime.date) -> dict:
    """Every random value of a program's plan and evidence, drawn up front (nothing happens
    after `today`)."""
    last = min(end, today - datetime.timedelta(days=1))
    lines = [
        (category, stage, name, _money(usd * rng.uniform(0.6, 1.6), currency))
        for category, stage, name, usd in rng.sample(BUDGET_TEMPLATES, k=rng.randint(3, 6))
    ]
    spending = []
    # Spend the forecast evenly over the program, at a pace of 75% to 160%: at more than 100%
    # the budget page warns that the money runs out before the planned end.
    pace = rng.uniform(0.75, 1.6)
    months_total = (end.year - start.year) * 12 + end.month - start.month + 1
    monthly = sum(line[3] for line in lines) / months_total
    weights = [float(line[3]) for line in lines]  # bigger lines are spent from more often
    month = start
    while month <= last and len(spending) < 40:
        count = rng.randint(1, 2)
        for _ in range(count):
            index = rng.choices(range(len(lines)), weights=weights)[0]
            share = Decimal(str(round(pace * rng.uniform(0.6, 1.4) / count, 4)))
            day = min(month + datetime.timedelta(days=rng.randrange(28)), last)
            spending.append((index, day, (monthly * share).quantize(Decimal(1))))
        month = _months_after(month, 1)
    indicators = []
    for name, unit, direction, (low, high), (lower, upper) in rng.sample(
        INDICATOR_TEMPLATES, k=rng.randint(1, 3)
    ):
        baseline = rng.randint(low, high)
        change = rng.randint(lower, upper)
        target = (
            baseline + change if direction == Indicator.Direction.INCREASE else baseline - change
        )
        pace = rng.uniform(0.1, 1.2)  # well below 1, the indicator falls off track
        values = []
        day = _months_after(start, 3)
        while day <= last:
            progress = (day - start).days / max((end - start).days, 1)
            value = baseline + (target - baseline) * progress * pace * rng.uniform(0.9, 1.1)
            values.append((day, Decimal(str(round(value, 1)))))
            day = _months_after(day, 3)
        indicators.append((name, unit, direction, baseline, target, values))
    chws = rng.randrange(40, 400, 10)
    model = rng.choices(CHWSupport.Compensation.values, weights=[2, 4, 2, 1])[0]
    support = {
        "chw_count": chws,
        "supervisor_count": max(1, chws // rng.randint(6, 16)),
        "last_refresher": start + datetime.timedelta(days=rng.randrange(30, 200))
        if rng.random() < 0.7
        else None,
        "compensation_model": model,
        "compensation_amount": None
        if model == CHWSupport.Compensation.UNPAID
        else _money(rng.choice([20, 30, 45, 60, 90]), currency),
        "compensation_currency": "" if model == CHWSupport.Compensation.UNPAID else currency,
        "compensation_frequency": ""
        if model == CHWSupport.Compensation.UNPAID
        else CHWSupport.PayFrequency.MONTHLY,
        "payer": "" if model == CHWSupport.Compensation.UNPAID else "Ministry of Health",
        "supply_status": rng.choices(CHWSupport.Supply.values, weights=[5, 3, 1])[0],
        "last_restock": start + datetime.timedelta(days=rng.randrange(10, 120)),
    }
    risks = [
        (text, mitigation, rng.choice(Level.values), rng.choice(Level.values))
        for text, mitigation in rng.sample(RISKS, k=2)
    ]
    lessons = rng.sample(LESSONS, k=rng.randint(1, 2))
    lesson_days = [start + datetime.timedelta(days=rng.randrange(20, 300)) for _ in lessons]
    return {
        "lines": lines,
        "spending": spending,
        "indicators": indicators,
        "support": support,
        "risks": risks,
        "lessons": list(zip(lessons, lesson_days, strict=True)),
        "last": last,
    }


def plan_create(program: Program, plan: dict, users) -> None:
    lines = [
        budget_services.budget_line_create(
            program=program, category=category, stage=stage, name=name, forecast_amount=amount
        )
        for category, stage, name, amount in plan["lines"]
    ]
    for number, (index, day, amount) in enumerate(plan["spending"], start=1):
        if amount > 0:
            budget_services.expenditure_create(
                program=program,
                line=lines[index],
                date=day,
                amount=amount,
                description=f"{lines[index].name} — payment {number}",
                reference=f"PV-{program.pk:03d}-{number:03d}",
            )
    for name, unit, direction, baseline, target, values in plan["indicators"]:
        indicator = indicators_services.indicator_create(
            program=program,
            name=name,
            unit=unit,
            direction=direction,
            baseline_value=Decimal(baseline),
            baseline_date=program.planned_start,
            target_value=Decimal(target),
            target_date=program.planned_end,
            frequency=Indicator.Frequency.QUARTERLY,
        )
        for day, value in values:
            indicators_services.measurement_create(
                indicator=indicator, period_end=day, value=value, source="CHT dashboard"
            )
    support = dict(plan["support"])
    if support["last_refresher"] and support["last_refresher"] > plan["last"]:
        support["last_refresher"] = None
    if support["last_restock"] > plan["last"]:
        support["last_restock"] = None
    chw_support_services.chw_support_save(program=program, **support)
    for text, mitigation, likelihood, impact in plan["risks"]:
        risks_services.risk_create(
            program=program,
            description=text,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            owner=users[PersonaRole.PROGRAM_ADMIN],
            status=Risk.Status.OPEN,
        )
    for (stage, happened, learned), day in plan["lessons"]:
        if day <= plan["last"]:
            risks_services.lesson_create(
                program=program,
                by=users[PersonaRole.PROGRAM_ADMIN],
                stage=stage,
                what_happened=happened,
                what_we_learned=learned,
                recorded_on=day,
            )
