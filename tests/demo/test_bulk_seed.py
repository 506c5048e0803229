"""The bulk writer of the demo writes the rows the services write for the same drafted programs,
with the same gate facts."""

import io
import random

import pytest
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from chtprograms.models import (
    Consideration,
    ConsiderationItem,
    HealthNote,
    Organization,
    Program,
    ProgramPartner,
)
from demo.bulk import demo_programs_bulk_create
from demo.people import demo_users
from demo.plan_evidence import exchange_rates_set
from demo.programs import demo_organizations, demo_program_create, program_draft
from lifecycle import gates
from lifecycle.models import (
    EthicsApproval,
    GateReview,
    Lifecycle,
    StageActivity,
    StagePlan,
    StageTransition,
)
from lifecycle.stages import Stage
from personas.models import Membership
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk

pytestmark = pytest.mark.django_db

MODELS = [
    Program,
    ProgramPartner,
    Consideration,
    ConsiderationItem,
    HealthNote,
    Membership,
    Lifecycle,
    StagePlan,
    StageActivity,
    StageTransition,
    GateReview,
    EthicsApproval,
    BudgetLine,
    Expenditure,
    Indicator,
    Measurement,
    CHWSupport,
    Risk,
    Lesson,
]
#: Set on insert to the time of writing, except where the demo writes the time it happened.
KEPT_AUTO_FIELDS = {(Lifecycle, "created_at")}


def _natural_keys() -> dict:
    """For each model a foreign key may point at: pk → a key that does not depend on ids."""
    slug = dict(Program.objects.values_list("pk", "slug"))
    return {
        Program: slug,
        Lifecycle: {
            pk: slug[program] for pk, program in Lifecycle.objects.values_list("pk", "program")
        },
        Consideration: {
            pk: (slug[program], area)
            for pk, program, area in Consideration.objects.values_list("pk", "program", "area")
        },
        BudgetLine: {
            pk: (slug[program], name)
            for pk, program, name in BudgetLine.objects.values_list("pk", "program", "name")
        },
        Indicator: {
            pk: (slug[program], name)
            for pk, program, name in Indicator.objects.values_list("pk", "program", "name")
        },
        StageTransition: {
            pk: (slug[program], at)
            for pk, program, at in StageTransition.objects.values_list(
                "pk", "lifecycle__program", "at"
            )
        },
        get_user_model(): dict(get_user_model().objects.values_list("pk", "username")),
        Organization: dict(Organization.objects.values_list("pk", "name")),
    }


def _reference_by_name(fields, values, line_programs) -> tuple:
    row = dict(zip((field.attname for field in fields), values, strict=True))
    prefix = f"PV-{line_programs[row['line_id']]:03d}-"
    if row["reference"].startswith(prefix):
        row["reference"] = "PV-<program>-" + row["reference"].removeprefix(prefix)
    return tuple(row.values())


def snapshot() -> dict:
    """Every demo row without ids or times of writing, and each program's current gate."""
    keys = _natural_keys()
    line_programs = dict(BudgetLine.objects.values_list("pk", "program"))
    tables = {}
    for model in MODELS:
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key
            and not (
                isinstance(field, models.DateTimeField)
                and (field.auto_now or field.auto_now_add)
                and (model, field.name) not in KEPT_AUTO_FIELDS
            )
        ]
        rows = []
        for values in model.objects.values_list(*(field.attname for field in fields)):
            row = []
            if model is Expenditure:  # its reference names the program by id: by name here
                values = _reference_by_name(fields, values, line_programs)
            for field, value in zip(fields, values, strict=True):
                if field.is_relation and value is not None and field.related_model in keys:
                    value = keys[field.related_model][value]
                row.append((field.name, value))
            rows.append(tuple(row))
        tables[model.__name__] = sorted(rows, key=repr)
    tables["gates"] = sorted(
        (
            lifecycle.program.slug,
            [(result.id, result.met, result.detail) for result in gates.evaluate(lifecycle)],
        )
        for lifecycle in Lifecycle.objects.select_related("program")
    )
    return tables


def test_bulk_seeding_writes_the_rows_and_gate_facts_the_services_write():
    with transaction.atomic():
        users = demo_users()
        organizations = demo_organizations()
        exchange_rates_set()
    rng = random.Random(8)  # noqa: S311
    today = timezone.localdate()
    drafts = [program_draft(rng, index, seed=8, today=today) for index in range(50)][40:]
    # the set covers the lifecycle: several stages, waived gates, a hold or a cancellation
    assert len({draft.history.target for draft in drafts}) >= 4
    assert any(draft.history.pause for draft in drafts)
    assert any(draft.ethics for draft in drafts)
    with transaction.atomic():
        for draft in drafts:
            demo_program_create(draft, users=users, organizations=organizations)
        through_services = snapshot()
        transaction.set_rollback(True)  # the history cannot be deleted: roll it back
    assert Program.objects.count() == 0
    with transaction.atomic():
        demo_programs_bulk_create(drafts, users=users, organizations=organizations)
    in_bulk = snapshot()
    assert len(in_bulk["StageTransition"]) >= len(drafts)
    assert any(dict(review)["decision"] == "waive" for review in in_bulk["GateReview"])
    for table, rows in through_services.items():
        assert in_bulk[table] == rows, table


def test_a_program_entering_closeout_goes_through_the_services(django_capture_on_commit_callbacks):
    with transaction.atomic():
        users = demo_users()
        organizations = demo_organizations()
    rng = random.Random(3)  # noqa: S311
    today = timezone.localdate()
    drafts = [program_draft(rng, index, seed=3, today=today) for index in range(40)]
    closeout = [draft for draft in drafts if draft.history.target == Stage.CLOSEOUT][:1]
    assert closeout, "the first 40 demo programs include one in closeout"
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        demo_programs_bulk_create(closeout, users=users, organizations=organizations)
    assert Lifecycle.objects.get().stage in (Stage.CLOSEOUT, Stage.ON_HOLD, Stage.CANCELLED)
    assert any("closeout" in callback.__qualname__ for callback in callbacks)


def test_seed_demo_through_the_services_or_in_bulk_gives_the_same_portfolio():
    from django.core.management import call_command

    with transaction.atomic():
        call_command("seed_demo", programs=5, seed=2, through_services=True, stdout=io.StringIO())
        through_services = snapshot()
        transaction.set_rollback(True)
    call_command("seed_demo", programs=5, seed=2, stdout=io.StringIO())
    assert snapshot() == through_services
