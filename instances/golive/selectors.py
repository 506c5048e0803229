"""Go-live readiness reads: one program's record and facts, the same for many programs at once
(the gate's bulk facts), and the programs that went live with readiness criteria waived."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from chtprograms.models import Program
from lifecycle.models import StageTransition
from lifecycle.stages import Stage

from ..models import CHTRelease, Instance
from .models import RESTORE_TEST_MAX_AGE, GoLiveReadiness

#: Every go-live criterion's id starts with this (the portfolio finds waivers by it).
CRITERION_PREFIX = "hosting.golive_"


@dataclass(frozen=True)
class InstanceFacts:
    """What the gate needs of one of the program's own CHT instances."""

    kind: str
    host: str
    cutover_on: datetime.date | None
    domain_renews_on: datetime.date | None
    tls_expires_on: datetime.date | None
    tls_auto_renews: bool
    version: str  # from the latest poll, "" when none


def readiness_get(*, program: Program) -> GoLiveReadiness | None:
    return GoLiveReadiness.objects.filter(program=program).first()


def readiness_by_program(*, program_ids: list[int]) -> dict[int, GoLiveReadiness]:
    """One query."""
    return {
        readiness.program_id: readiness
        for readiness in GoLiveReadiness.objects.filter(program_id__in=program_ids)
    }


def instance_facts_by_program(*, program_ids: list[int]) -> dict[int, list[InstanceFacts]]:
    """The programs' own instances (not those shared with them), in one query."""
    facts: dict[int, list[InstanceFacts]] = {}
    rows = (
        Instance.objects.filter(program_id__in=program_ids)
        .select_related("latest_snapshot")
        .only(
            "program_id",
            "kind",
            "base_url",
            "label",
            "cutover_on",
            "domain_renews_on",
            "tls_expires_on",
            "tls_auto_renews",
            "latest_snapshot__app_version",
        )
        .order_by("kind", "base_url")
    )
    for instance in rows:
        snapshot = instance.latest_snapshot
        facts.setdefault(instance.program_id, []).append(
            InstanceFacts(
                kind=instance.kind,
                host=instance.host,
                cutover_on=instance.cutover_on,
                domain_renews_on=instance.domain_renews_on,
                tls_expires_on=instance.tls_expires_on,
                tls_auto_renews=instance.tls_auto_renews,
                version=snapshot.app_version if snapshot else "",
            )
        )
    return facts


def release_table() -> list[CHTRelease]:
    return list(CHTRelease.objects.all())


def waived_readiness_condition(program_ref: str = "pk") -> Q:
    """A Program in implementation that entered it with go-live readiness criteria waived."""
    waived = StageTransition.objects.filter(
        lifecycle__program=OuterRef(program_ref),
        target=Stage.IMPLEMENTATION,
        waived_criteria__icontains=f'"{CRITERION_PREFIX}',
    )
    return Q(lifecycle__stage=Stage.IMPLEMENTATION) & Q(Exists(waived))


def programs_with_waived_readiness(programs: QuerySet[Program]) -> QuerySet[Program]:
    """Programs in implementation that entered it with go-live readiness criteria waived."""
    return programs.filter(waived_readiness_condition())


def waived_readiness(*, program: Program) -> list[dict]:
    """The go-live criteria waived when the program last entered implementation: [{id, label}]
    (one query)."""
    transition = (
        StageTransition.objects.filter(lifecycle__program=program, target=Stage.IMPLEMENTATION)
        .order_by("-at", "-id")
        .only("waived_criteria")
        .first()
    )
    if transition is None:
        return []
    return [
        item
        for item in transition.waived_criteria or []
        if str(item.get("id", "")).startswith(CRITERION_PREFIX)
    ]


def restore_tests_aging(*, program_ids, until: datetime.date):
    """(program id, last tested restore) of the programs whose tested restore is six months
    old by `until` (or older): the reminders ask for a new one."""
    return (
        GoLiveReadiness.objects.filter(
            program_id__in=list(program_ids),
            last_restore_tested_on__isnull=False,
            last_restore_tested_on__lte=until - RESTORE_TEST_MAX_AGE,
        )
        .order_by()
        .values_list("program_id", "last_restore_tested_on")
    )
