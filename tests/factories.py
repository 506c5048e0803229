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
