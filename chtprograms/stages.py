"""The eight stages of a CHT program, as plain choices.

The program record keeps a stage on budget lines and lessons as a plain value, so that
`chtprograms` models reference no other app; the lifecycle state machine may import these."""

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
