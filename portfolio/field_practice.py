"""Field practice across programs: training events, the device fleet (the "skilled" and
"supplied" of the 4S) and programs that went live with readiness criteria waived.

Kept in its own module so that the dashboard and the export each add one line for it."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from chtprograms.models import Program
from instances.golive.selectors import programs_with_waived_readiness
from plan.devices.selectors import device_annotations, fleet_totals
from plan.training.selectors import training_annotations, training_totals


@dataclass(frozen=True)
class FieldPractice:
    training_events: int
    participants: int
    last_training: datetime.date | None
    devices: int
    devices_working: int
    devices_lost_or_broken: int
    waived_readiness: int  # programs in implementation that waived go-live criteria


def with_field_practice(programs: QuerySet[Program]) -> QuerySet[Program]:
    """The programs with their training and device figures (subqueries: no extra query)."""
    return programs.annotate(**training_annotations(), **device_annotations())


def field_practice_totals(*, programs: QuerySet[Program]) -> FieldPractice:
    """Three queries, whatever the number of programs: training, devices, go-live waivers."""
    training = training_totals(programs=programs)
    fleet = fleet_totals(programs=programs)
    return FieldPractice(
        training_events=training.events,
        participants=training.participants,
        last_training=training.last_training,
        devices=fleet.devices,
        devices_working=fleet.working,
        devices_lost_or_broken=fleet.lost_or_broken,
        waived_readiness=programs_with_waived_readiness(programs.order_by()).count(),
    )
