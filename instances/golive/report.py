"""The go-live criteria evaluated for one program, outside a gate review: for the Go-live tab
and the closeout report (three queries: the record, unless given, the instances, the release
table)."""

from chtprograms.models import Program
from lifecycle import gates
from lifecycle.selectors import lifecycle_get
from lifecycle.stages import Stage

from . import selectors

_UNKNOWN = object()


def readiness_results(*, program: Program, readiness=_UNKNOWN) -> list[gates.Result]:
    """Each go-live criterion of the hosting gate, met or not, whatever the current stage
    (`readiness`: the program's record when the caller has it already, None when it has none)."""
    context = gates.GateContext(lifecycle_get(program=program))
    if readiness is not _UNKNOWN:
        context.fact("golive_readiness", lambda: readiness)
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
