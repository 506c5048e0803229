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
        model = "chtprograms.ExchangeRate"
        django_get_or_create = ("currency", "effective_date")

    currency = "KES"
    effective_date = datetime.date(2027, 1, 1)
    units_per_usd = "129.50"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.BudgetLine"

    category = "devices"
    stage = "implementation"
    name = factory.Sequence(lambda n: f"Budget line {n}")
    forecast_amount = "100000.00"


class ExpenditureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.Expenditure"

    line = factory.SubFactory(BudgetLineFactory)
    date = datetime.date(2027, 3, 15)
    amount = "1000.00"
    description = factory.Sequence(lambda n: f"Payment {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.Indicator"

    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    direction = "increase"
    baseline_value = "40"
    baseline_date = datetime.date(2027, 1, 1)
    target_value = "80"
    target_date = datetime.date(2028, 12, 31)
    frequency = "quarterly"


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.Measurement"

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = factory.Sequence(lambda n: datetime.date(2027, 3, 31) + datetime.timedelta(n))
    value = "45"
    source = "CHT dashboard"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.Risk"

    description = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = "medium"
    impact = "medium"
    status = "open"


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "chtprograms.Lesson"

    stage = "design"
    what_happened = factory.Sequence(lambda n: f"Challenge {n}")
    what_we_learned = "Test with CHWs first."
    recorded_on = datetime.date(2027, 2, 1)
