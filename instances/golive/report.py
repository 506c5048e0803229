"""The go-live criteria evaluated for one program, outside a gate review: for the Go-live tab
and the closeout report (three queries: the record, the instances, the release table)."""

from chtprograms.models import Program
from lifecycle import gates
from lifecycle.selectors import lifecycle_get
from lifecycle.stages import Stage

from . import selectors


def readiness_results(*, program: Program) -> list[gates.Result]:
    """Each go-live criterion of the hosting gate, met or not, whatever the current stage."""
    context = gates.GateContext(lifecycle_get(program=program))
    results = []
    for criterion in gates.criteria_for(Stage.HOSTING, program):
        if not criterion.id.startswith(selectors.CRITERION_PREFIX):
            continue
        met, detail = criterion.check(context)
        results.append(
            gates.Result(
                criterion=criterion,
                met=bool(met),
                detail=str(detail),
                url=criterion.fix_url(program),
            )
        )
    return results
