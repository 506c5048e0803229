"""Follow-ups of transitions: "a program entered stage X", run after the transaction commits.

Register a receiver from your own module (imported by your app's `AppConfig.ready`)::

    from lifecycle.hooks import on_stage_entered
    from lifecycle.stages import Stage

    @on_stage_entered(Stage.CLOSEOUT)
    def enqueue_closeout_report(*, program_id: int, stage: str, transition_id: int) -> None:
        report_generate_task.delay(program_id)

Receivers get primitive ids (so that they can hand them to a Celery task) and run only once the
transition is committed, never when it is rolled back. `resume` does not "enter" a stage: the
program goes back to where it was. A receiver that raises is logged and does not affect the
others (`transaction.on_commit(..., robust=True)`). Transition methods themselves do no I/O.
"""

from collections import defaultdict
from collections.abc import Callable
from functools import wraps

from django.db import transaction

from .stages import Stage, TransitionName

Receiver = Callable[..., None]

_receivers: dict[str, list[Receiver]] = defaultdict(list)


def on_stage_entered(*stages: str) -> Callable[[Receiver], Receiver]:
    """Decorator: call the function after a program enters one of `stages`."""
    for stage in stages:
        if stage not in Stage.values:
            raise ValueError(f"Unknown stage {stage!r}")

    def register(func: Receiver) -> Receiver:
        for stage in stages:
            if func not in _receivers[stage]:
                _receivers[stage].append(func)
        return func

    return register


def disconnect(func: Receiver) -> None:
    for receivers in _receivers.values():
        if func in receivers:
            receivers.remove(func)


def receivers_for(stage: str) -> list[Receiver]:
    return list(_receivers.get(stage, ()))


def stage_entered(*, program_id: int, stage: str, transition_id: int, transition: str) -> None:
    """Schedule the receivers of `stage` for when the current transaction commits."""
    if transition == TransitionName.RESUME:
        return
    for receiver in receivers_for(stage):
        transaction.on_commit(
            _bound(receiver, program_id=program_id, stage=stage, transition_id=transition_id),
            robust=True,
        )


def _bound(receiver: Receiver, **kwargs) -> Callable[[], None]:
    """The receiver with its arguments, keeping its name (Django logs a failing callback by
    `__qualname__`, which a functools.partial does not have)."""

    @wraps(receiver)
    def call() -> None:
        receiver(**kwargs)

    return call
