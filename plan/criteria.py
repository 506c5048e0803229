"""Plan and evidence, wired into the lifecycle: leaving planning needs a budget forecast (at
least one budget line) and a baseline for every indicator.

Imported once by `LifecycleConfig.ready`; facts are read through chtprograms' selectors, and
loaded for many programs at once by `gates.preload_facts` (the reminders' scan)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle.gates import GateContext, register_bulk_fact, register_criterion
from lifecycle.stages import Stage
from plan.budget.selectors import budget_line_counts
from plan.indicators.selectors import indicator_baselines


def _load_budget_lines(program_ids: list[int]) -> dict[int, int]:
    return budget_line_counts(program_ids=program_ids)


def _load_indicator_baselines(program_ids: list[int]) -> dict:
    return indicator_baselines(program_ids=program_ids)


def _budget_forecast_recorded(context: GateContext) -> tuple[bool, str]:
    lines = context.fact(
        "budget_lines", lambda: _load_budget_lines([context.program.pk]).get(context.program.pk, 0)
    )
    if not lines:
        return False, _("No budget line yet")
    return True, _("%(count)d budget line(s)") % {"count": lines}


def _indicator_baselines_recorded(context: GateContext) -> tuple[bool, str]:
    status = context.fact(
        "indicator_baselines",
        lambda: _load_indicator_baselines([context.program.pk]).get(context.program.pk),
    )
    if status is None:
        return False, _("No indicator yet")
    if status.missing:
        return False, _("No baseline for: %(names)s") % {"names": ", ".join(status.missing)}
    return True, _("All %(count)d indicator(s) have a baseline") % {"count": status.indicators}


register_bulk_fact("budget_lines", stages=[Stage.PLANNING], load=_load_budget_lines, default=0)
register_bulk_fact(
    "indicator_baselines", stages=[Stage.PLANNING], load=_load_indicator_baselines, default=None
)
register_criterion(
    stage=Stage.PLANNING,
    id="planning.budget_forecast",
    label=gettext_lazy("Budget forecast recorded (at least one budget line)"),
    check=_budget_forecast_recorded,
    fix_url=lambda program: reverse("plan:budget", args=[program.slug]),
)
register_criterion(
    stage=Stage.PLANNING,
    id="planning.indicator_baselines",
    label=gettext_lazy("A baseline recorded for every indicator"),
    check=_indicator_baselines_recorded,
    fix_url=lambda program: reverse("plan:indicators", args=[program.slug]),
)
