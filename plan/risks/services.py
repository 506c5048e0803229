"""Risk, lesson and scaling-decision writes."""

from chtprograms.models import Program
from core.services import (
    checked_fields,
    create_or_update_validated,
    create_validated,
    update_validated,
)
from plan.risks.models import Lesson, Risk, ScalingDecision

RISK_FIELDS = ("description", "likelihood", "impact", "mitigation", "owner", "status")


LESSON_FIELDS = ("stage", "what_happened", "what_we_learned", "recorded_on")


SCALING_DECISION_FIELDS = ("decision", "rationale", "decided_by", "decided_on")


def risk_create(*, program: Program, **fields) -> Risk:
    return create_validated(Risk(program=program, **checked_fields(fields, RISK_FIELDS)))


def risk_update(*, risk: Risk, version: str | None = None, **fields) -> Risk:
    return update_validated(risk, RISK_FIELDS, fields, version=version)


def risk_delete(*, risk: Risk) -> None:
    risk.delete()


def lesson_create(*, program: Program, by, **fields) -> Lesson:
    return create_validated(
        Lesson(program=program, recorded_by=by, **checked_fields(fields, LESSON_FIELDS))
    )


def lesson_update(*, lesson: Lesson, version: str | None = None, **fields) -> Lesson:
    return update_validated(lesson, LESSON_FIELDS, fields, version=version)


def lesson_delete(*, lesson: Lesson) -> None:
    lesson.delete()


def scaling_decision_record(
    *, program: Program, version: str | None = None, **fields
) -> ScalingDecision:
    """Record (or change) what happens after closeout: scale up, hand over or end."""
    return create_or_update_validated(
        ScalingDecision, {"program": program}, SCALING_DECISION_FIELDS, fields, version=version
    )
