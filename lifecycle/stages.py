"""The stages of a program's lifecycle and the vocabulary around them (no model imports here,
so `gates`, `models` and templates can all lean on it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The stage values themselves are kept once, with the program record.
from chtprograms.stages import TERMINAL_STAGES, WORK_STAGE_CHOICES, WORK_STAGES, Stage

__all__ = ["Stage", "TERMINAL_STAGES", "WORK_STAGES", "WORK_STAGE_CHOICES"]


def stage_index(stage: str) -> int:
    """Position of a working stage (0–7); -1 for on hold, closed and cancelled."""
    return WORK_STAGES.index(stage) if stage in WORK_STAGES else -1


def next_stage(stage: str) -> str | None:
    """The stage `advance` leads to, or None from closeout (its way out is `close`)."""
    index = stage_index(stage)
    if index < 0 or index + 1 >= len(WORK_STAGES) or stage == Stage.CLOSEOUT:
        return None
    return WORK_STAGES[index + 1]


def earlier_stages(stage: str) -> tuple[str, ...]:
    """The stages `send_back` may return to from `stage`."""
    index = stage_index(stage)
    return WORK_STAGES[:index] if index > 0 else ()


class ActivityStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


#: An activity in one of these statuses counts as finished for its gate.
FINISHED_STATUSES = frozenset({ActivityStatus.DONE, ActivityStatus.NOT_APPLICABLE})


class TransitionName(models.TextChoices):
    ADVANCE = "advance", _("Advance")
    SEND_BACK = "send_back", _("Send back")
    HOLD = "hold", _("Put on hold")
    RESUME = "resume", _("Resume")
    CANCEL = "cancel", _("Cancel")
    CLOSE = "close", _("Close")


class Decision(models.TextChoices):
    GO = "go", _("Go")
    WAIVE = "waive", _("Go, with waived criteria")
    NO_GO = "no_go", _("Stay (no-go)")
