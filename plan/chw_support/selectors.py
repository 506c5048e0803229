"""CHW support reads: one program's 4S and the gaps across programs."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from chtprograms.models import (
    Program,
)
from plan.chw_support.models import CHWSupport
from plan.training.models import TrainingEvent
from plan.training.selectors import last_refresher_subquery


def chw_support_get(*, program: Program, today: datetime.date | None = None) -> CHWSupport | None:
    """The program's CHW support (4S) record, or None when it has not been recorded; with the
    end of its last refresher training event up to `today` (`last_refresher_event`)."""
    return (
        CHWSupport.objects.filter(program=program)
        .annotate(last_refresher_event=last_refresher_subquery(today=today or timezone.localdate()))
        .first()
    )


def chw_support_gaps(
    *, support: CHWSupport | None, today: datetime.date | None = None
) -> list[tuple[str, str]]:
    """The 4S gaps of a record, with the configured CHWs-per-supervisor limit."""
    if support is None:
        return []
    return support.gaps(
        today=today or timezone.localdate(),
        per_supervisor_limit=settings.CHW_PER_SUPERVISOR_LIMIT,
    )


def chw_gap_conditions(*, today: datetime.date | None = None) -> dict[str, Q]:
    """The 4S gaps of `CHWSupport.gaps` as conditions on CHWSupport rows, for the database."""
    today = today or timezone.localdate()
    limit = settings.CHW_PER_SUPERVISOR_LIMIT
    return {
        "skilled": (
            Q(last_refresher__isnull=True) | Q(last_refresher__lt=today - relativedelta(months=12))
        )
        & ~Exists(
            TrainingEvent.objects.filter(
                program=OuterRef("program"),
                kind=TrainingEvent.Kind.REFRESHER,
                ends_on__gte=today - relativedelta(months=12),
                ends_on__lte=today,
            )
        ),
        "supervised": Q(chw_count__gt=0)
        & (Q(supervisor_count__isnull=True) | Q(chw_count__gt=F("supervisor_count") * limit)),
        "salaried": Q(compensation_model=CHWSupport.Compensation.UNPAID),
        "supplied": Q(supply_status=CHWSupport.Supply.STOCK_OUTS),
    }


@dataclass(frozen=True)
class CHWTotals:
    programs: int  # programs with a CHW support record
    chws: int
    unpaid_programs: int
    unpaid_chws: int
    gaps: dict[str, int]  # gap code → programs with that gap


def chw_support_totals(
    *, programs: QuerySet[Program], today: datetime.date | None = None
) -> CHWTotals:
    """CHWs covered and unpaid, and how many programs have each 4S gap (1 query)."""
    gaps = chw_gap_conditions(today=today)
    unpaid = gaps["salaried"]
    totals = CHWSupport.objects.filter(program__in=programs.order_by().values("pk")).aggregate(
        programs=Count("pk"),
        chws=Coalesce(Sum("chw_count"), 0),
        unpaid_programs=Count("pk", filter=unpaid),
        unpaid_chws=Coalesce(Sum("chw_count", filter=unpaid), 0),
        **{f"gap_{code}": Count("pk", filter=condition) for code, condition in gaps.items()},
    )
    return CHWTotals(
        programs=totals["programs"],
        chws=totals["chws"],
        unpaid_programs=totals["unpaid_programs"],
        unpaid_chws=totals["unpaid_chws"],
        gaps={code: totals[f"gap_{code}"] for code in gaps},
    )


def programs_with_chw_support(
    programs: QuerySet[Program], *, gap: str = "", today: datetime.date | None = None
) -> QuerySet[Program]:
    """The programs with a CHW support record (with the given 4S gap, when one is named)."""
    support = CHWSupport.objects.filter(program=OuterRef("pk"))
    if gap:
        support = support.filter(chw_gap_conditions(today=today)[gap])
    return programs.filter(Exists(support))
