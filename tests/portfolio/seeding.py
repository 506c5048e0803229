"""A seeded portfolio for the portfolio tests (and the browser journey), and the figures worked
out independently: program by program, with the per-program selectors and model methods the
program pages use."""

import datetime
import io
import statistics
from collections import Counter
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from chtprograms.models import Program
from chtprograms.services import program_archive
from lifecycle import gates
from lifecycle.models import Lifecycle
from lifecycle.selectors import history_list, plan_rows, stage_plans
from lifecycle.services import lifecycle_advance, lifecycle_cancel, lifecycle_hold
from lifecycle.stages import WORK_STAGES
from plan.budget import selectors as budget_selectors
from plan.chw_support import selectors as chw_support_selectors
from plan.indicators import selectors as indicators_selectors
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory


def advance(program, head) -> bool:
    """Advance through the gate, waiving what is unmet; False when a criterion cannot be."""
    lifecycle = program.lifecycle
    unmet = gates.unmet(gates.evaluate(lifecycle))
    if any(not result.waivable for result in unmet):
        return False
    lifecycle_advance(
        lifecycle=lifecycle,
        by=head,
        note="Waived for the test portfolio.",
        waive=[result.id for result in unmet],
    )
    return True


def seed_portfolio(count: int = 16):
    """seed_demo's portfolio (`count` programs), moved along their lifecycles with real transitions,
    one on hold, one cancelled, one archived; plus an outsider's program in the same country."""
    # The history happens over months: a clock that the test moves (timezone.now is what the
    # services, the models' defaults and auto_now_add read).
    clock = [datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)]
    with mock.patch("django.utils.timezone.now", lambda: clock[0]):
        call_command("seed_demo", programs=count, seed=5, no_lifecycle=True, stdout=io.StringIO())
        # seed_demo writes in bulk, past the services that keep the portfolio's summary rows.
        call_command("rebuild_portfolio_summary", stdout=io.StringIO())
        head = get_user_model().objects.get(username="head")
        programs = list(Program.objects.select_related("lifecycle").order_by("pk"))
        for index, program in enumerate(programs):
            clock[0] = datetime.datetime(2025, 2, 3, 9, 0, tzinfo=datetime.UTC)
            for step in range(index % 6):
                clock[0] += datetime.timedelta(days=20 + 9 * ((index + step) % 5))
                if not advance(program, head):
                    break
        clock[0] += datetime.timedelta(days=30)
        lifecycle_hold(lifecycle=programs[7].lifecycle, by=head, note="Waiting for funding.")
        lifecycle_cancel(lifecycle=programs[8].lifecycle, by=head, note="Partner withdrew.")
    # A lifecycle that never moved entered initiation when it was made.
    Lifecycle.objects.filter(history__isnull=True).update(stage_entered_at=F("created_at"))
    program_archive(program=programs[9])
    outsider = UserFactory(username="outsider-head")
    ProgramFactory(
        head=outsider,
        name="Outsider's program",
        slug="outsider-program",
        country=programs[0].country,
        program_type=programs[0].program_type,
        lead_organization=OrganizationFactory(name="Outsider organization"),
    )
    return programs


def independent_figures(programs) -> dict:
    """Every figure of the dashboard, worked out program by program in Python."""
    today = timezone.localdate()
    live = list(
        Program.objects.filter(pk__in=[program.pk for program in programs], archived_at=None)
        .select_related("lifecycle")
        .order_by("pk")
    )
    figures = {
        "total": len(live),
        "active": 0,
        "by_stage": Counter(),
        "by_health": Counter(),
        "by_country": Counter(),
        "stage_type": Counter(),
        "overdue_activities": 0,
        "overdue_programs": 0,
        "late_programs": 0,
        "chw_programs": 0,
        "chws": 0,
        "unpaid_programs": 0,
        "unpaid_chws": 0,
        "gaps": Counter(),
        "forecast_usd": Decimal(0),
        "spent_usd": Decimal(0),
        "indicators_on_track": 0,
        "indicators": 0,
        "planned_days": {stage: [] for stage in WORK_STAGES},
        "actual_days": {stage: [] for stage in WORK_STAGES},
    }
    for program in live:
        lifecycle = program.lifecycle
        stage = lifecycle.stage
        active = stage in WORK_STAGES
        figures["active"] += active
        figures["by_stage"][stage] += 1
        figures["by_health"][program.health] += 1
        figures["by_country"][program.country.code] += 1
        figures["stage_type"][(stage, program.program_type)] += 1
        # The current stage's activities only (`lifecycle.selectors.overdue_activities`).
        overdue = sum(
            activity.is_overdue
            for activity in program.stage_activities.all()
            if activity.stage == stage
        )
        if active and overdue:
            figures["overdue_activities"] += overdue
            figures["overdue_programs"] += 1
        plans = stage_plans(lifecycle=lifecycle)
        if active and plans[stage].planned_end < today:
            figures["late_programs"] += 1
        support = chw_support_selectors.chw_support_get(program=program)
        if support:
            figures["chw_programs"] += 1
            figures["chws"] += support.chw_count
            if support.compensation_model == "unpaid":
                figures["unpaid_programs"] += 1
                figures["unpaid_chws"] += support.chw_count
            for code in {code for code, _message in chw_support_selectors.chw_support_gaps(
                support=support
            )}:  # fmt: skip
                figures["gaps"][code] += 1
        budget = budget_selectors.budget_summary(program=program, today=today)
        figures["forecast_usd"] += budget.forecast_usd or 0
        figures["spent_usd"] += budget.actual_usd.total
        for progress in indicators_selectors.indicator_progress_list(program=program):
            figures["indicators"] += 1
            figures["indicators_on_track"] += progress.status == "on_track"
        for row in plan_rows(
            lifecycle=lifecycle,
            plans=plans,
            history=list(history_list(lifecycle=lifecycle)),
            today=today,
        ):
            figures["planned_days"][row.stage].append(
                (row.planned_end - row.planned_start).days + 1
            )
            if row.intervals and not row.is_current:
                figures["actual_days"][row.stage].append(row.days)
    figures["planned_median"] = {
        stage: statistics.median(days) if days else None
        for stage, days in figures["planned_days"].items()
    }
    figures["actual_median"] = {
        stage: statistics.median(days) if days else None
        for stage, days in figures["actual_days"].items()
    }
    return figures
