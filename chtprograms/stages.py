"""The stages of a CHT program: the one list every app uses.

It lives in `chtprograms` (the bottom of the one-way chain of apps) so that the program record
can keep a stage on budget lines and lessons without importing the lifecycle; the lifecycle's
state machine (`lifecycle/stages.py`) builds on these values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    PLANNING = "planning", _("Planning")
    DESIGN = "design", _("Design")
    BUILDING = "building", _("Building")
    HOSTING = "hosting", _("Hosting")
    IMPLEMENTATION = "implementation", _("Implementation")
    SUPPORT = "support", _("Support")
    CLOSEOUT = "closeout", _("Closeout")
    CLOSED = "closed", _("Closed")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


#: The eight working stages, in order. A program is "active" while in one of them.
WORK_STAGES: tuple[str, ...] = (
    Stage.INITIATION,
    Stage.PLANNING,
    Stage.DESIGN,
    Stage.BUILDING,
    Stage.HOSTING,
    Stage.IMPLEMENTATION,
    Stage.SUPPORT,
    Stage.CLOSEOUT,
)
#: States with no way out.
TERMINAL_STAGES: tuple[str, ...] = (Stage.CLOSED, Stage.CANCELLED)

WORK_STAGE_CHOICES = [(stage.value, stage.label) for stage in Stage if stage in WORK_STAGES]
