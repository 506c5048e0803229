"""Field practice across programs: training events, the device fleet (the "skilled" and
"supplied" of the 4S) and programs that went live with readiness criteria waived.

Kept in its own module so that the dashboard and the export each add one line for it."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Coalesce

from chtprograms.models import Program
from instances.golive.selectors import waived_readiness_condition
from plan.devices.selectors import device_annotations
from plan.training.selectors import training_annotations


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
    """One query, whatever the number of programs."""
    totals = with_field_practice(programs.order_by()).aggregate(
        events=Coalesce(Sum("fp_training_events"), 0),
        participants=Coalesce(Sum("fp_training_participants"), 0),
        last=Max("fp_last_training"),
        devices=Coalesce(Sum("fp_devices"), 0),
        working=Coalesce(Sum("fp_devices_working"), 0),
        lost=Coalesce(Sum("fp_devices_lost_or_broken"), 0),
        waived=Count("pk", filter=waived_readiness_condition()),
    )
    return FieldPractice(
        training_events=totals["events"],
        participants=totals["participants"],
        last_training=totals["last"],
        devices=totals["devices"],
        devices_working=totals["working"],
        devices_lost_or_broken=totals["lost"],
        waived_readiness=totals["waived"],
    )
