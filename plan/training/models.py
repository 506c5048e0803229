"""Training events: the "skilled" of the 4S, as the CHT documentation's training page plans
them (about 1 facilitator per 10 participants, at most 30 per class, pre- and post-tests,
evaluation on Kirkpatrick's four levels)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.validators import TEXT, text_limit, validate_date_in_range

#: The CHT documentation's training ratios.
PARTICIPANTS_PER_FACILITATOR = 10
PARTICIPANTS_PER_CLASS = 30

SCORE_VALIDATORS = [
    MinValueValidator(Decimal(0), message=_("A score is between 0 and 100.")),
    MaxValueValidator(Decimal(100), message=_("A score is between 0 and 100.")),
]


class TrainingEvent(models.Model):
    class Kind(models.TextChoices):
        TRAINING_OF_TRAINERS = "tot", _("Training of trainers")
        DIRECT = "direct", _("Direct training")
        REMOTE = "remote", _("Remote training")
        REFRESHER = "refresher", _("Refresher")

    class Level(models.IntegerChoices):
        REACTION = 1, _("1 · Reaction")
        LEARNING = 2, _("2 · Learning")
        BEHAVIOUR = 3, _("3 · Behaviour")
        RESULTS = 4, _("4 · Results")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"), validators=[validate_date_in_range])
    ends_on = models.DateField(_("ends on"), validators=[validate_date_in_range])
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Empty for remote training.")
    )
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])
    facilitators = models.PositiveIntegerField(_("facilitators"), validators=[MinValueValidator(1)])
    classes = models.PositiveIntegerField(
        _("classes"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many groups the participants were split into."),
    )
    pre_test_average = models.DecimalField(
        _("average pre-test score (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    post_test_average = models.DecimalField(
        _("average post-test score (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    evaluation_level = models.PositiveSmallIntegerField(
        _("highest evaluation level reached"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("Kirkpatrick: reaction, learning, behaviour, results."),
    )
    material_languages = models.CharField(
        _("materials in"),
        max_length=300,
        blank=True,
        help_text=_("Languages of the training materials, separated by commas."),
    )
    notes = models.TextField(_("notes"), blank=True, **text_limit(TEXT))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        indexes = [models.Index(fields=["program", "kind", "ends_on"], name="training_kind_end")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The training cannot end before it starts.")
        if self.kind and self.kind != self.Kind.REMOTE and not (self.place or "").strip():
            errors["place"] = _("Say where the training took place.")
        if self.participants and self.classes and self.classes > self.participants:
            errors["classes"] = _("More classes than participants.")
        if errors:
            raise ValidationError(errors)

    @property
    def participants_per_facilitator(self) -> Decimal | None:
        if not self.facilitators:
            return None
        return (Decimal(self.participants) / self.facilitators).quantize(Decimal("0.1"))

    @property
    def participants_per_class(self) -> Decimal | None:
        if not self.classes:
            return None
        return (Decimal(self.participants) / self.classes).quantize(Decimal("0.1"))

    @property
    def score_gain(self) -> Decimal | None:
        if self.pre_test_average is None or self.post_test_average is None:
            return None
        return self.post_test_average - self.pre_test_average

    def warnings(self) -> list[str]:
        """Where the event strays from the documentation's ratios (empty when it does not)."""
        found = []
        if (
            self.facilitators
            and self.participants > PARTICIPANTS_PER_FACILITATOR * self.facilitators
        ):
            found.append(
                _("More than %(limit)d participants per facilitator (%(ratio)s).")
                % {
                    "limit": PARTICIPANTS_PER_FACILITATOR,
                    "ratio": self.participants_per_facilitator,
                }
            )
        if self.classes and self.participants > PARTICIPANTS_PER_CLASS * self.classes:
            found.append(
                _("More than %(limit)d participants per class (%(ratio)s).")
                % {"limit": PARTICIPANTS_PER_CLASS, "ratio": self.participants_per_class}
            )
        return found
