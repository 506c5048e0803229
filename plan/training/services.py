"""Training event writes."""

from chtprograms.models import Program
from core.services import checked_fields, create_validated, update_validated
from plan.training.models import TrainingEvent

TRAINING_FIELDS = (
    "kind",
    "starts_on",
    "ends_on",
    "place",
    "participants",
    "facilitators",
    "classes",
    "pre_test_average",
    "post_test_average",
    "evaluation_level",
    "material_languages",
    "notes",
)


def training_event_create(*, program: Program, **fields) -> TrainingEvent:
    return create_validated(
        TrainingEvent(program=program, **checked_fields(fields, TRAINING_FIELDS))
    )


def training_event_update(
    *, event: TrainingEvent, version: str | None = None, **fields
) -> TrainingEvent:
    return update_validated(event, TRAINING_FIELDS, fields, version=version)


def training_event_delete(*, event: TrainingEvent) -> None:
    event.delete()
