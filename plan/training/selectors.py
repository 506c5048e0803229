"""Training event reads."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from chtprograms.models import Program
from core.selectors import get_or_404
from plan.training.models import TrainingEvent


def training_event_list(*, program: Program) -> list[TrainingEvent]:
    """Newest first (one query)."""
    return list(TrainingEvent.objects.filter(program=program))


def training_event_get(*, program: Program, pk: int) -> TrainingEvent:
    return get_or_404(
        TrainingEvent.objects.all(), "No such training event.", program=program, pk=pk
    )


def last_refresher_subquery(*, today: datetime.date | None = None, program_ref: str = "program"):
    """The end of the last refresher training of the program at `OuterRef(program_ref)`."""
    events = TrainingEvent.objects.filter(
        program=OuterRef(program_ref), kind=TrainingEvent.Kind.REFRESHER
    )
    if today is not None:
        events = events.filter(ends_on__lte=today)
    return Subquery(events.order_by("-ends_on").values("ends_on")[:1])


@dataclass(frozen=True)
class TrainingTotals:
    events: int
    participants: int
    last_training: datetime.date | None


def training_totals(*, programs: QuerySet[Program]) -> TrainingTotals:
    """Events and participants across programs, and the last training's end (1 query)."""
    totals = TrainingEvent.objects.filter(program__in=programs.order_by().values("pk")).aggregate(
        events=Count("pk"),
        participants=Coalesce(Sum("participants"), 0),
        last=Max("ends_on"),
    )
    return TrainingTotals(totals["events"], totals["participants"], totals["last"])


def training_annotations(program_ref: str = "pk") -> dict:
    """Per-program subqueries for a Program queryset: events, participants, the last event's
    end (no join: the rows are not multiplied)."""
    events = (
        TrainingEvent.objects.filter(program=OuterRef(program_ref)).order_by().values("program")
    )
    return {
        "fp_training_events": Coalesce(Subquery(events.annotate(n=Count("pk")).values("n")), 0),
        "fp_training_participants": Coalesce(
            Subquery(events.annotate(n=Sum("participants")).values("n")), 0
        ),
        "fp_last_training": Subquery(events.annotate(last=Max("ends_on")).values("last")),
    }
