"""Helpers for the closeout report tests: read a PDF back, build programs of any size."""

import datetime
import io
import re
from decimal import Decimal

from pypdf import PdfReader

from plan.chw_support.services import chw_support_save
from plan.devices.services import device_create
from plan.risks.services import lesson_create, scaling_decision_record
from plan.training.services import training_event_create
from tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    IndicatorFactory,
    MeasurementFactory,
    RiskFactory,
)


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pdf_text(pdf: bytes) -> str:
    """Every page's text, whitespace collapsed (a line break inside a cell is a space)."""
    reader = pdf_reader(pdf)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def outline_titles(pdf: bytes) -> tuple[list[str], list[str]]:
    """The PDF bookmarks: (the top-level titles, the titles nested under them)."""
    top: list[str] = []
    nested: list[str] = []

    def walk(items, into):
        for item in items:
            if isinstance(item, list):
                walk(item, nested)
            else:
                into.append(item.title)

    walk(pdf_reader(pdf).outline, top)
    return top, nested


def luhn_imei(n: int) -> str:
    body = f"35{n:012d}"
    total = sum(
        (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
        for i, d in enumerate(int(c) for c in body)
    )
    return body + str((10 - total % 10) % 10)


def grow_program(program, by, *, size: int) -> None:
    """Give a program `size` × everything the report lists: budget lines and spending,
    indicators with a year of monthly values, risks, lessons; plus CHW support and a decision."""
    for index in range(size):
        line = BudgetLineFactory(
            program=program,
            category=["personnel", "devices", "hosting", "training", "travel", "other"][index % 6],
            forecast_amount=Decimal(100_000 + 1_000 * index),
        )
        for month in range(3):
            ExpenditureFactory(
                line=line,
                date=datetime.date(2027, 1 + month, 10),
                amount=Decimal(5_000 + index),
            )
        indicator = IndicatorFactory(program=program, name=f"Indicator {index:03d}")
        for month in range(12):
            MeasurementFactory(
                indicator=indicator,
                period_end=datetime.date(2027, 1 + month, 28),
                value=Decimal(41 + month * 2 + index % 3),
            )
        RiskFactory(program=program, description=f"Risk number {index}: suppliers are late.")
        training_event_create(
            program=program, kind="refresher", starts_on=datetime.date(2027, 1, 10),
            ends_on=datetime.date(2027, 1, 11), place=f"Health centre {index}",
            participants=25, facilitators=2,
        )  # fmt: skip
        device_create(
            program=program, phone_model=f"Model {index % 4}", imei=luhn_imei(index),
            android_version="10", ram_gb=Decimal(2), storage_gb=32,
        )  # fmt: skip
        lesson_create(
            program=program,
            by=by,
            stage="design",
            what_happened=f"Challenge {index}: the form was too long.",
            what_we_learned="Test forms with CHWs first.",
            recorded_on=datetime.date(2027, 2, 1),
        )
    chw_support_save(
        program=program,
        chw_count=120,
        last_refresher=datetime.date(2026, 6, 1),
        next_refresher=datetime.date(2027, 6, 1),
        supervisor_count=10,
        compensation_model="stipend",
        compensation_amount=Decimal(3000),
        compensation_currency="KES",
        compensation_frequency="monthly",
        payer="County government",
        supply_status="partial",
        last_restock=datetime.date(2026, 9, 1),
        notes="",
    )
    scaling_decision_record(
        program=program,
        decision="scale_up",
        rationale="Every county of the region asked for it.",
        decided_by=by,
        decided_on=datetime.date(2026, 10, 1),
    )


def advance_to(program, stage, head):
    """Advance a program stage by stage until it is in `stage` (see `advance_one`)."""
    lifecycle = program.lifecycle
    while lifecycle.stage != stage:
        advance_one(program, head)
    return lifecycle


def advance_one(program, by):
    """Advance to the next stage: the stage's activities done and whatever else its gate asks
    for waived (so that later gate criteria do not break these tests)."""
    from lifecycle import gates
    from lifecycle.services import lifecycle_advance
    from tests.lifecycle.conftest import finish_activities

    lifecycle = program.lifecycle
    finish_activities(program, lifecycle.stage, by)
    unmet = [result.id for result in gates.unmet(gates.evaluate(lifecycle))]
    return lifecycle_advance(
        lifecycle=lifecycle, by=by, waive=unmet, note="Waived for the test" if unmet else ""
    )


def backdate_to_closeout(program, head, *, late_days=(5, -3, 20, 41, 12, 30, -10)):
    """A program that went through its stages over the past years, now in closeout: history rows
    written at dates around its stage plan (insert-only, as the history allows), for pictures of
    a realistic timeline. The lifecycle's own fields are set to match."""
    import datetime

    from django.utils import timezone

    from lifecycle.models import Lifecycle, StageTransition
    from lifecycle.stages import WORK_STAGES

    lifecycle = program.lifecycle
    plans = {plan.stage: plan for plan in lifecycle.plans.all()}
    start = datetime.datetime.combine(program.planned_start, datetime.time(9), tzinfo=datetime.UTC)
    Lifecycle.objects.filter(pk=lifecycle.pk).update(created_at=start)
    at = start
    for (source, target), late in zip(
        zip(WORK_STAGES, WORK_STAGES[1:], strict=False), late_days, strict=True
    ):
        end = plans[source].planned_end + datetime.timedelta(days=late)
        at = max(datetime.datetime.combine(end, datetime.time(10), tzinfo=datetime.UTC), at)
        at = min(at, timezone.now() - datetime.timedelta(days=7))
        StageTransition.objects.create(
            lifecycle=lifecycle,
            transition="advance",
            source=source,
            target=target,
            by=head,
            at=at,
            note=f"The {source} gate is met.",
        )
    Lifecycle.objects.filter(pk=lifecycle.pk).update(
        stage="closeout", last_stage="closeout", stage_entered_at=at
    )
    program.lifecycle.refresh_from_db()
