"""factory_boy factories. Programs are made through `program_create`, as the app makes them."""

import datetime

import factory
from django.contrib.auth import get_user_model

from chtprograms.models import Organization, ProgramType
from chtprograms.services import program_create
from personas.models import Membership, PersonaRole
from personas.services import portfolio_reviewer_set


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


def reviewer(**kwargs):
    user = UserFactory(**kwargs)
    portfolio_reviewer_set(user=user)
    return user


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.MINISTRY


class ProgramFactory(factory.Factory):
    """Builds the keyword arguments of `program_create` and calls it."""

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    program_type = ProgramType.ACCOMPANIED
    country = "KE"
    regions = "Siaya\nKisumu"
    lead_organization = factory.SubFactory(OrganizationFactory)
    planned_start = datetime.date(2027, 1, 1)
    planned_end = datetime.date(2028, 12, 31)
    currency = "KES"
    goals = "Give CHVs a CHT app."
    summary = "A demo program."
    head = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, partners=(), **kwargs):
        return program_create(partners=partners, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return kwargs


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = PersonaRole.SOFTWARE_DEVELOPER


# --- lifecycle ------------------------------------------------------------------------------


class StageActivityFactory(factory.django.DjangoModelFactory):
    """An extra activity on a program (programs get their default ones from the templates)."""

    class Meta:
        model = "lifecycle.StageActivity"

    stage = "initiation"
    title = factory.Sequence(lambda n: f"Extra activity {n}")
    required = False
    position = factory.Sequence(lambda n: 1000 + n)


class EthicsApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lifecycle.EthicsApproval"

    approved_on = datetime.date(2026, 1, 15)
    reference = factory.Sequence(lambda n: f"NEC/2026/{n:04d}")


# --- plan and evidence (budget, indicators, CHW support, risks, lessons) ----------------------


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.ExchangeRate"
        django_get_or_create = ("currency", "effective_date")

    currency = "KES"
    effective_date = datetime.date(2027, 1, 1)
    units_per_usd = "129.50"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.BudgetLine"

    category = "devices"
    stage = "implementation"
    name = factory.Sequence(lambda n: f"Budget line {n}")
    forecast_amount = "100000.00"


class ExpenditureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.Expenditure"

    line = factory.SubFactory(BudgetLineFactory)
    date = datetime.date(2027, 3, 15)
    amount = "1000.00"
    description = factory.Sequence(lambda n: f"Payment {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.Indicator"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    direction = "increase"
    baseline_value = "40"
    baseline_date = datetime.date(2027, 1, 1)
    target_value = "80"
    target_date = datetime.date(2028, 12, 31)
    frequency = "quarterly"

    @factory.post_generation
    def stored_status(indicator, create, extracted, **kwargs):
        """Written directly, not through the services: store the status as they would."""
        if create:
            from plan.indicators.services import indicator_statuses_rebuild

            indicator_statuses_rebuild(indicator_ids=[indicator.pk])
            indicator.refresh_from_db(fields=["status"])


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.Measurement"
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = factory.Sequence(lambda n: datetime.date(2027, 3, 31) + datetime.timedelta(n))
    value = "45"
    source = "CHT dashboard"

    @factory.post_generation
    def stored_status(measurement, create, extracted, **kwargs):
        if create:
            from plan.indicators.services import indicator_statuses_rebuild

            indicator_statuses_rebuild(indicator_ids=[measurement.indicator_id])


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.Risk"

    description = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = "medium"
    impact = "medium"
    status = "open"


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plan.Lesson"

    stage = "design"
    what_happened = factory.Sequence(lambda n: f"Challenge {n}")
    what_we_learned = "Test with CHWs first."
    recorded_on = datetime.date(2027, 2, 1)


# --- many programs at once (portfolio) --------------------------------------------------------


def bulk_programs(count: int, *, head=None, prefix: str = "bulk", today=None) -> list:
    """`count` programs made in bulk, in a few queries whatever `count` (not `program_create`
    per program), for tests that need a big portfolio fast. Each gets a lifecycle in a varied
    stage with its stage plan and one history row when past initiation, two activities (one
    overdue), a partner, a budget line with an expenditure, an indicator with a measurement,
    CHW support, and `head` (made if not given) as its program head."""
    from django.utils import timezone

    from chtprograms.models import Program, ProgramPartner
    from lifecycle.models import Lifecycle, StageActivity, StagePlan, StageTransition
    from lifecycle.services import stage_plan_dates, stage_stays_rebuild
    from lifecycle.stages import WORK_STAGES
    from plan.budget.models import BudgetLine, Expenditure
    from plan.chw_support.models import CHWSupport
    from plan.indicators.models import Indicator, Measurement
    from plan.indicators.services import indicator_statuses_rebuild

    today = today or timezone.localdate()
    head = head or UserFactory()
    lead = OrganizationFactory(name=f"{prefix} ministry")
    partner = OrganizationFactory(name=f"{prefix} partner", kind=Organization.Kind.NGO)
    countries = ["KE", "UG", "NP", "ML"]
    types = ProgramType.values
    healths = ["on_track", "at_risk", "off_track"]
    programs = Program.objects.bulk_create(
        Program(
            name=f"{prefix} program {i}",
            slug=f"{prefix}-program-{i}",
            program_type=types[i % len(types)],
            country=countries[i % len(countries)],
            lead_organization=lead,
            planned_start=datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300),
            planned_end=datetime.date(2028, 1, 1) + datetime.timedelta(days=i % 300),
            currency=["KES", "UGX", "NPR", "XOF"][i % len(countries)],
            health=healths[i % len(healths)],
        )
        for i in range(count)
    )
    stages = [*WORK_STAGES, "on_hold"]
    lifecycles = Lifecycle.objects.bulk_create(
        Lifecycle(
            program=program,
            stage=stages[i % len(stages)],
            last_stage=WORK_STAGES[i % len(WORK_STAGES)],
            held_from=WORK_STAGES[0] if stages[i % len(stages)] == "on_hold" else "",
        )
        for i, program in enumerate(programs)
    )
    StagePlan.objects.bulk_create(
        StagePlan(lifecycle=lifecycle, stage=stage, planned_start=start, planned_end=end)
        for lifecycle, program in zip(lifecycles, programs, strict=True)
        for stage, start, end in stage_plan_dates(program.planned_start, program.planned_end)
    )
    StageTransition.objects.bulk_create(
        StageTransition(
            lifecycle=lifecycle, transition="advance", source="initiation", target="planning"
        )
        for lifecycle in lifecycles
        if lifecycle.stage not in ("initiation", "on_hold")
    )
    stage_stays_rebuild(lifecycle_ids=[lifecycle.pk for lifecycle in lifecycles])
    StageActivity.objects.bulk_create(
        StageActivity(program=program, stage=lifecycle.last_stage, title=title, due_on=due)
        for program, lifecycle in zip(programs, lifecycles, strict=True)
        for title, due in (
            ("Overdue", today - datetime.timedelta(days=10)),
            ("Later", today + datetime.timedelta(days=10)),
        )
    )
    ProgramPartner.objects.bulk_create(
        ProgramPartner(program=program, organization=partner, role="funder") for program in programs
    )
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(program=program, category="devices", name="Phones", forecast_amount=100000)
        for program in programs
    )
    Expenditure.objects.bulk_create(
        Expenditure(line=line, date=datetime.date(2026, 6, 1), amount=2500, description="Phones")
        for line in lines
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            program=program,
            name="Households visited",
            unit="%",
            baseline_value=40,
            baseline_date=datetime.date(2026, 1, 1),
            target_value=80,
            target_date=datetime.date(2027, 12, 31),
        )
        for program in programs
    )
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator, period_end=datetime.date(2026, 12, 31), value=55, source="x"
        )
        for indicator in indicators
    )
    indicator_statuses_rebuild(indicator_ids=[indicator.pk for indicator in indicators])
    CHWSupport.objects.bulk_create(
        CHWSupport(
            program=program,
            chw_count=100,
            supervisor_count=10,
            compensation_model="unpaid" if i % 3 == 0 else "stipend",
            supply_status="adequate",
        )
        for i, program in enumerate(programs)
    )
    Membership.objects.bulk_create(
        Membership(program=program, user=head, role=PersonaRole.PROGRAM_HEAD)
        for program in programs
    )
    return programs


# --- closeout reports -------------------------------------------------------------------------


class CloseoutReportFactory(factory.django.DjangoModelFactory):
    """A version of a program's closeout report (ready by default, with a tiny stand-in PDF)."""

    class Meta:
        model = "reports.CloseoutReport"

    version = factory.Sequence(lambda n: n + 1)
    status = "ready"
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.7\n%stand-in\n")
    sha256 = "0" * 64
    page_count = 1
    size_bytes = 20
