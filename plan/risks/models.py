"""Risks, lessons and the scaling decision taken at closeout."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from chtprograms.stages import WORK_STAGE_CHOICES
from core.validators import LONG_TEXT, TEXT, text_limit, validate_date_in_range


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


LEVEL_SCORE = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
#: A risk is serious from this likelihood × impact on (high × medium, or worse).
SERIOUS_RISK_SCORE = 6


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MITIGATING = "mitigating", _("Being mitigated")
        CLOSED = "closed", _("Closed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="risks")
    description = models.TextField(_("risk"), **text_limit(TEXT))
    likelihood = models.CharField(_("likelihood"), max_length=8, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    mitigation = models.TextField(_("mitigation"), blank=True, **text_limit(TEXT))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_risk"  # kept from before the move to this app
        ordering = ["-created_at", "-id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def score(self) -> int:
        """Likelihood × impact, from 1 (low × low) to 9 (high × high)."""
        return LEVEL_SCORE.get(self.likelihood, 0) * LEVEL_SCORE.get(self.impact, 0)

    @property
    def is_serious_and_open(self) -> bool:
        """The one rule for "serious risk open": not closed, likelihood × impact high enough."""
        return self.status != self.Status.CLOSED and self.score >= SERIOUS_RISK_SCORE


class Lesson(models.Model):
    """A challenge met and what the team learned from it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="lessons")
    stage = models.CharField(_("stage"), max_length=16, choices=WORK_STAGE_CHOICES)
    what_happened = models.TextField(_("what happened"), **text_limit(LONG_TEXT))
    what_we_learned = models.TextField(_("what we learned"), **text_limit(LONG_TEXT))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_on = models.DateField(_("date"), validators=[validate_date_in_range])

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_lesson"  # kept from before the move to this app
        ordering = ["-recorded_on", "-id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.what_happened[:80]


class ScalingDecision(models.Model):
    """What happens after closeout: scale up, hand over, or end. One per program."""

    class Decision(models.TextChoices):
        SCALE_UP = "scale_up", _("Scale up")
        HAND_OVER = "hand_over", _("Hand over")
        END = "end", _("End")

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="scaling_decision"
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    rationale = models.TextField(_("rationale"), **text_limit(LONG_TEXT))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_on = models.DateField(_("date"), validators=[validate_date_in_range])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        db_table = "chtprograms_scalingdecision"  # kept from before the move to this app
        verbose_name = _("scaling decision")
        verbose_name_plural = _("scaling decisions")

    def __str__(self) -> str:
        return f"{self.program}: {self.get_decision_display()}"
