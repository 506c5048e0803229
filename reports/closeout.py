"""Closeout, wired into the lifecycle: entering closeout asks for the first closeout report, and
the closeout gate (the way to `close`) needs a recorded scaling decision and a ready report.

Imported once by `LifecycleConfig.ready` (lifecycle/hooks.py and lifecycle/gates.py say how)."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle.gates import GateContext, register_bulk_fact, register_criterion
from lifecycle.hooks import on_stage_entered
from lifecycle.models import StageTransition
from lifecycle.stages import Stage
from plan.risks.selectors import scaling_decision_get, scaling_decisions_by_program
from reports.models import ReportStatus

# --- the hook ---------------------------------------------------------------------------------


@on_stage_entered(Stage.CLOSEOUT)
def request_closeout_report(*, program_id: int, stage: str, transition_id: int) -> None:
    """After the transition into closeout commits: queue the report, asked for by whoever made
    the decision (so they receive it too)."""
    from reports.services import report_request

    transition = (
        StageTransition.objects.select_related("lifecycle__program", "by")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:
        return
    report_request(program=transition.lifecycle.program, requested_by=transition.by)


# --- the closeout gate ------------------------------------------------------------------------


def _scaling_decision_recorded(context: GateContext) -> tuple[bool, str]:
    decision = context.fact(
        "scaling_decision", lambda: scaling_decision_get(program=context.program)
    )
    if decision is None:
        return False, _("No scaling decision recorded")
    return True, _("%(decision)s, decided on %(date)s") % {
        "decision": decision.get_decision_display(),
        "date": date_format(decision.decided_on),
    }


def _report_generated(context: GateContext) -> tuple[bool, str]:
    from reports.selectors import report_versions

    versions = context.fact("closeout_reports", lambda: report_versions(program=context.program))
    ready = [version for version, status in versions if status == ReportStatus.READY]
    if ready:
        return True, _("Version %(version)d is ready") % {"version": ready[0]}
    pending = [
        version
        for version, status in versions
        if status in (ReportStatus.QUEUED, ReportStatus.RENDERING)
    ]
    if pending:
        return False, _("Version %(version)d is being made") % {"version": pending[0]}
    if versions:
        return False, _("The last version failed: regenerate it")
    return False, _("No report generated yet")


def _scaling_url(program) -> str:
    return reverse("plan:scaling-decision", args=[program.slug])


def _reports_url(program) -> str:
    return reverse("reports:reports", args=[program.slug])


register_criterion(
    stage=Stage.CLOSEOUT,
    id="closeout.scaling_decision",
    label=gettext_lazy("Scaling decision recorded (scale up, hand over or end)"),
    check=_scaling_decision_recorded,
    fix_url=_scaling_url,
    fix_permission="chtprograms.change_program",
)
register_criterion(
    stage=Stage.CLOSEOUT,
    id="closeout.report_generated",
    label=gettext_lazy("Closeout report generated"),
    check=_report_generated,
    fix_url=_reports_url,
)


def _report_versions_by_program(program_ids: list[int]) -> dict:
    from reports.selectors import report_versions_by_program

    return report_versions_by_program(program_ids=program_ids)


# For code that evaluates many closeout gates at once (`gates.preload_facts`).
register_bulk_fact(
    "scaling_decision",
    stages=(Stage.CLOSEOUT,),
    load=lambda program_ids: scaling_decisions_by_program(program_ids=program_ids),
)
register_bulk_fact(
    "closeout_reports", stages=(Stage.CLOSEOUT,), load=_report_versions_by_program, default=()
)
