"""`python manage.py seed_demo --programs N --seed S`: a deterministic, realistic demo portfolio.

Safe to run twice: users and organizations are matched by name, programs by slug."""

import datetime
import random
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from chtprograms import services
from chtprograms.models import Consideration, Health, Organization, Program, ProgramType
from chtprograms.stages import Stage
from lifecycle import gates
from lifecycle.activity_services import ethics_approval_record
from lifecycle.services import lifecycle_advance, lifecycle_cancel, lifecycle_hold
from lifecycle.stages import WORK_STAGES
from personas.models import PersonaRole
from personas.services import membership_add, portfolio_reviewer_set
from plan.budget import services as budget_services
from plan.budget.models import BudgetCategory
from plan.chw_support import services as chw_support_services
from plan.chw_support.models import CHWSupport
from plan.indicators import services as indicators_services
from plan.indicators.models import Indicator
from plan.risks import services as risks_services
from plan.risks.models import Level, Risk

DEMO_PASSWORD = "cht-demo-2026"  # noqa: S105 — documented demo password for local use only

#: (username, first name, last name, persona role or a special kind)
DEMO_USERS = [
    ("admin", "Site", "Administrator", "site_admin"),
    ("reviewer", "Rosa", "Reviewer", "reviewer"),
    ("head", "Amina", "Otieno", PersonaRole.PROGRAM_HEAD),
    ("progadmin", "Joseph", "Mwangi", PersonaRole.PROGRAM_ADMIN),
    ("designer", "Sita", "Gurung", PersonaRole.SERVICE_DESIGNER),
    ("ux", "Fatou", "Diallo", PersonaRole.UX_DESIGNER),
    ("developer", "Brian", "Okello", PersonaRole.SOFTWARE_DEVELOPER),
    ("sysadmin", "Kofi", "Mensah", PersonaRole.SYSTEM_ADMIN),
    ("support", "Aïssata", "Traoré", PersonaRole.TECHNICAL_SUPPORT),
    ("researcher", "Prakash", "Sharma", PersonaRole.RESEARCHER),
]

#: country code → (currency, regions, ministry name)
COUNTRIES = {
    "KE": ("KES", ["Siaya", "Kisumu", "Busia", "Migori"], "Ministry of Health, Kenya"),
    "UG": ("UGX", ["Arua", "Kasese", "Kampala", "Gulu"], "Ministry of Health, Uganda"),
    "NP": (
        "NPR",
        ["Achham", "Dolakha", "Kailali", "Jumla"],
        "Ministry of Health and Population, Nepal",
    ),
    "ML": ("XOF", ["Bamako", "Koulikoro", "Sikasso", "Ségou"], "Ministère de la Santé, Mali"),
    "TG": ("XOF", ["Kara", "Savanes", "Plateaux", "Maritime"], "Ministère de la Santé, Togo"),
    "TZ": ("TZS", ["Morogoro", "Mwanza", "Kigoma"], "Ministry of Health, Tanzania"),
    "MW": ("MWK", ["Lilongwe", "Zomba", "Mzimba"], "Ministry of Health, Malawi"),
    "BF": ("XOF", ["Hauts-Bassins", "Centre-Est", "Sahel"], "Ministère de la Santé, Burkina Faso"),
}

PARTNERS = [
    ("Medic", Organization.Kind.STEWARD),
    ("Living Goods", Organization.Kind.NGO),
    ("Muso", Organization.Kind.NGO),
    ("Lwala Community Alliance", Organization.Kind.NGO),
    ("Nyaya Health Nepal", Organization.Kind.NGO),
    ("IntraHealth International", Organization.Kind.TECHNICAL_PARTNER),
    ("Integrate Health", Organization.Kind.TECHNICAL_PARTNER),
    ("Makerere University School of Public Health", Organization.Kind.RESEARCH),
    ("University of Nairobi", Organization.Kind.RESEARCH),
    ("Université de Bamako", Organization.Kind.RESEARCH),
]

THEMES = [
    "CHV maternal and newborn care",
    "Integrated community case management",
    "Family planning outreach",
    "Immunization tracing",
    "Tuberculosis contact tracing",
    "Malnutrition screening",
    "Community-based surveillance",
    "HIV adherence support",
    "Malaria test-and-treat",
    "Household visits for NCDs",
]

PARTNER_ROLES = ["funder", "implementing partner", "technical steward", "research partner"]


@contextmanager
def _query_log_off():
    """With DEBUG on, Django logs every query, and on SQLite quotes each one's parameters with
    one more query: a quarter of a long seeding run, for a log nobody reads. Off while seeding."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


class Command(BaseCommand):
    help = "Load a deterministic demo portfolio and one demo user per persona role."

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=12, help="How many programs (12).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")
        parser.add_argument(
            "--no-lifecycle",
            action="store_true",
            help="Leave every program at initiation (for tests that drive the lifecycle).",
        )

    def handle(self, *args, programs: int, seed: int, **options):
        rng = random.Random(seed)  # noqa: S311 — demo data, not security
        self._seed = seed
        self._walk_lifecycles = not options.get("no_lifecycle", False)
        with transaction.atomic():
            users = self._users()
            organizations = self._organizations()
            _exchange_rates()
        created = 0
        # One query for the programs that already exist, not one per program.
        self._existing = set(Program.objects.values_list("slug", flat=True))
        with _query_log_off():
            for index in range(programs):
                if self._program(rng, index, users, organizations):
                    created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} program(s) created, {Program.objects.count()} in all."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, kind in DEMO_USERS:
            label = dict(PersonaRole.choices).get(kind, kind.replace("_", " "))
            self.stdout.write(f"  {username:<11} {first} {last} — {label}")

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        for username, first, last, kind in DEMO_USERS:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                if kind == "site_admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            if kind == "reviewer":
                portfolio_reviewer_set(user=user)
            users[kind] = user
        return users

    def _organizations(self) -> dict[str, Organization]:
        organizations = {}
        for code, (_currency, _regions, ministry) in COUNTRIES.items():
            organizations[ministry], _ = Organization.objects.get_or_create(
                name=ministry, defaults={"kind": Organization.Kind.MINISTRY, "country": code}
            )
        for name, kind in PARTNERS:
            organizations[name], _ = Organization.objects.get_or_create(
                name=name, defaults={"kind": kind}
            )
        return organizations

    @transaction.atomic
    def _program(self, rng: random.Random, index: int, users, organizations) -> bool:
        country = rng.choice(sorted(COUNTRIES))
        currency, regions, ministry = COUNTRIES[country]
        theme = rng.choice(THEMES)
        program_type = rng.choice(ProgramType.values)
        start = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        end = start + datetime.timedelta(days=rng.choice([365, 540, 730, 1095]))
        name = f"{theme} — {COUNTRY_NAMES[country]} #{index + 1}"
        slug = f"{slugify(theme)[:40]}-{country.lower()}-{index + 1}"
        health = rng.choices(Health.values, weights=[6, 3, 1])[0]
        # Draw everything before the existence check so that each program's data depends only
        # on (seed, index), whatever already exists.
        partner_names = rng.sample([name for name, _kind in PARTNERS], k=rng.randint(1, 3))
        roles = [rng.choice(PARTNER_ROLES) for _ in partner_names]
        statuses = [rng.choice(Consideration.Status.values) for _ in range(6)]
        risks = [rng.choice(Consideration.Risk.values) for _ in range(6)]
        ticks = [rng.random() for _ in range(40)]
        team_roles = rng.sample(
            [role for role in PersonaRole.values if role != PersonaRole.PROGRAM_HEAD],
            k=rng.randint(3, 6),
        )
        program_regions = rng.sample(regions, k=min(2, len(regions)))
        # Plan and evidence come from their own generator, so adding them did not change the
        # programs drawn above for a given seed.
        plan = _plan_values(
            random.Random(f"{self._seed}:{index}:plan"),  # noqa: S311 — demo data
            start=start,
            end=end,
            currency=currency,
        )
        if slug in self._existing:
            return False
        self._existing.add(slug)
        lead = organizations[ministry if program_type != ProgramType.RESEARCH else partner_names[0]]
        partners = [
            (organizations[partner], role)
            for partner, role in zip(partner_names, roles, strict=True)
            if organizations[partner] != lead
        ]
        program = services.program_create(
            head=users[PersonaRole.PROGRAM_HEAD],
            partners=partners,
            name=name,
            slug=slug,
            program_type=program_type,
            country=country,
            regions="\n".join(program_regions),
            lead_organization=lead,
            planned_start=start,
            planned_end=end,
            currency=currency,
            goals=f"Give community health workers a CHT app for {theme.lower()}.",
            summary=f"{theme} with {lead.name}, covering {len(regions)} regions.",
        )
        for role in team_roles:
            if role in users:
                membership_add(program=program, user=users[role], role=role)
        considerations = program.considerations.prefetch_related("items").order_by("id")
        tick = iter(ticks)
        for consideration, status, risk in zip(considerations, statuses, risks, strict=True):
            services.consideration_update(
                consideration=consideration,
                status=status,
                risk=risk,
                owner=users[PersonaRole.PROGRAM_ADMIN],
                notes="",
            )
            for item in consideration.items.all():
                done = status == Consideration.Status.ADDRESSED or (
                    status == Consideration.Status.IN_PROGRESS and next(tick, 1.0) < 0.5
                )
                if done:
                    services.consideration_item_update(item=item, done=True, note="")
        if health != Health.ON_TRACK:
            services.program_health_record(
                program=program,
                by=users[PersonaRole.PROGRAM_HEAD],
                status=health,
                note="Device procurement is late." if health == Health.AT_RISK else "Funding gap.",
            )
        _plan_create(program, plan, users)
        if self._walk_lifecycles:
            _lifecycle_walk(
                program,
                random.Random(f"{self._seed}:{index}:stage"),  # noqa: S311 — demo data
                head=users[PersonaRole.PROGRAM_HEAD],
                may_close_out=index < CLOSEOUT_DEMO_PROGRAMS,
            )
        return True


#: Only the first few demo programs may reach closeout: each one queues a closeout report for
#: the worker, and a large demo portfolio should not queue hundreds of PDFs.
CLOSEOUT_DEMO_PROGRAMS = 40
#: How far demo programs have gone: weights over the eight working stages.
STAGE_WEIGHTS = [3, 4, 3, 3, 2, 3, 3, 1]


def _lifecycle_walk(program: Program, rng: random.Random, *, head, may_close_out: bool) -> None:
    """Take a demo program through the lifecycle services to a stage drawn from `rng`.

    Gates still unmet are waived with a note (the demo data does not fake finished work); a
    research program gets its ethics approval before it passes the hosting gate."""
    weights = STAGE_WEIGHTS if may_close_out else [*STAGE_WEIGHTS[:-1], 0]
    target = rng.choices(WORK_STAGES, weights=weights)[0]
    pause = rng.choices(["", "hold", "cancel"], weights=[17, 2, 1])[0]
    lifecycle = program.lifecycle
    if program.program_type == ProgramType.RESEARCH and WORK_STAGES.index(target) > 4:
        services.consideration_update(
            consideration=program.considerations.get(area="ethics"),
            status=Consideration.Status.ADDRESSED,
            risk=Consideration.Risk.MEDIUM,
            owner=head,
            notes="Protocol approved by the national ethics committee.",
        )
        ethics_approval_record(
            program=program,
            by=head,
            approved_on=min(program.planned_start, timezone.localdate()),
            reference=f"NEC/{program.planned_start.year}/{program.pk:04d}",
            approving_body="National ethics review committee",
            expires_on=max(
                program.planned_end, timezone.localdate() + datetime.timedelta(days=365)
            ),
        )
    while lifecycle.stage != target:
        unmet = [result.id for result in gates.evaluate(lifecycle) if not result.met]
        lifecycle_advance(
            lifecycle=lifecycle,
            by=head,
            waive=unmet,
            note="Demo data: the gate's open items are tracked outside the app." if unmet else "",
        )
    if pause == "hold":
        lifecycle_hold(lifecycle=lifecycle, by=head, note="Waiting for the ministry's go-ahead.")
    elif pause == "cancel":
        lifecycle_cancel(lifecycle=lifecycle, by=head, note="Funding withdrawn by the donor.")


COUNTRY_NAMES = {
    "KE": "Kenya",
    "UG": "Uganda",
    "NP": "Nepal",
    "ML": "Mali",
    "TG": "Togo",
    "TZ": "Tanzania",
    "MW": "Malawi",
    "BF": "Burkina Faso",
}


# --- plan and evidence: exchange rates, budget, indicators, CHW support, risks, lessons ---------

#: Demo data is dated as if today were this day, so that it does not change from day to day.
DEMO_AS_OF = datetime.date(2026, 10, 31)

#: currency → [(effective date, units per US dollar)]
DEMO_RATES = {
    "KES": [(datetime.date(2025, 1, 1), "129.40"), (datetime.date(2026, 1, 1), "129.20")],
    "UGX": [(datetime.date(2025, 1, 1), "3680"), (datetime.date(2026, 1, 1), "3610")],
    "NPR": [(datetime.date(2025, 1, 1), "136.90"), (datetime.date(2026, 1, 1), "140.50")],
    "XOF": [(datetime.date(2025, 1, 1), "630"), (datetime.date(2026, 1, 1), "570")],
    "TZS": [(datetime.date(2025, 1, 1), "2480"), (datetime.date(2026, 1, 1), "2560")],
    "MWK": [(datetime.date(2025, 1, 1), "1735"), (datetime.date(2026, 1, 1), "1740")],
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


def _exchange_rates() -> None:
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


def _plan_values(rng: random.Random, *, start, end, currency) -> dict:
    """Every random value of a program's plan and evidence, drawn up front."""
    last = min(end, DEMO_AS_OF)
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


def _plan_create(program: Program, plan: dict, users) -> None:
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
