"""Demo programs moved along their lifecycle through the services, to a stage drawn at random."""

import datetime
import random

from django.utils import timezone

from chtprograms import services
from chtprograms.models import Consideration, Program, ProgramType
from lifecycle import gates
from lifecycle.activity_services import ethics_approval_record
from lifecycle.services import lifecycle_advance, lifecycle_cancel, lifecycle_hold
from lifecycle.stages import WORK_STAGES

#: Only the first few demo programs may reach closeout: each one queues a closeout report for
#: the worker, and a large demo portfolio should not queue hundreds of PDFs.
CLOSEOUT_DEMO_PROGRAMS = 40
#: How far demo programs have gone: weights over the eight working stages.
STAGE_WEIGHTS = [3, 4, 3, 3, 2, 3, 3, 1]


def lifecycle_walk(program: Program, rng: random.Random, *, head, may_close_out: bool) -> None:
    """Take a demo program through the lifecycle services to a stage drawn from `rng`.

    Gates still unmet are waived with a note (the demo data does not fake finished work); a
    research program gets its ethics approval before it passes the hosting gate."""
    weights = STAGE_WEIGHTS if may_close_out else [*STAGE_WEIGHTS[:-1], 0]
    target = rng.choices(WORK_STAGES, weights=weights)[0]
    pause = rng.choices(["", "hold", "cancel"], weights=[17, 2, 1])[0]
    lifecycle = program.lifecycle
    if program.program_type == ProgramType.RESEARCH and WORK_STAGES.index(target) > 4:
        services.consideration_update(
            consideration=program.considerations.get(area="ethics"),
            status=Consideration.Status.ADDRESSED,
            risk=Consideration.Risk.MEDIUM,
            owner=head,
            notes="Protocol approved by the national ethics committee.",
        )
        ethics_approval_record(
            program=program,
            by=head,
            approved_on=min(program.planned_start, timezone.localdate()),
            reference=f"NEC/{program.planned_start.year}/{program.pk:04d}",
            approving_body="National ethics review committee",
            expires_on=max(
                program.planned_end, timezone.localdate() + datetime.timedelta(days=365)
            ),
        )
    while lifecycle.stage != target:
        unmet = [result.id for result in gates.evaluate(lifecycle) if not result.met]
        lifecycle_advance(
            lifecycle=lifecycle,
            by=head,
            waive=unmet,
            note="Demo data: the gate's open items are tracked outside the app." if unmet else "",
        )
    if pause == "hold":
        lifecycle_hold(lifecycle=lifecycle, by=head, note="Waiting for the ministry's go-ahead.")
    elif pause == "cancel":
        lifecycle_cancel(lifecycle=lifecycle, by=head, note="Funding withdrawn by the donor.")
