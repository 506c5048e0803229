"""The device fleet: the "supplied" of the 4S, one row per phone or tablet, as the CHT
documentation's inventory of user, SIM and IMEI with a handover form."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.validators import validate_date_in_range

#: The CHT's device requirements (cht-docs, hosting requirements): (Android, RAM GB, storage GB).
MINIMUM = ((5, 0), Decimal(1), 8)
RECOMMENDED = ((9, 0), Decimal(2), 16)


def imei_is_valid(value: str) -> bool:
    """15 digits whose last is the Luhn check digit of the first 14."""
    if len(value) != 15 or not value.isdigit():
        return False
    total = 0
    for index, char in enumerate(value):
        digit = int(char)
        if index % 2 == 1:  # every second digit from the left, doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_imei(value: str) -> None:
    if not imei_is_valid(value):
        raise ValidationError(
            _(
                "An IMEI has 15 digits and its last is a check digit: "
                "check it on the phone (*#06#)."
            ),
            code="invalid_imei",
        )


def parse_android(value: str) -> tuple[int, int] | None:
    """ "9" → (9, 0); "5.1.1" → (5, 1); anything else → None."""
    parts = (value or "").strip().split(".")
    if not parts[0].isdigit():
        return None
    minor = parts[1] if len(parts) > 1 else "0"
    if not minor.isdigit():
        return None
    return int(parts[0]), int(minor)


class Device(ConstraintErrorsOnFieldsMixin, models.Model):
    constraint_error_fields = {"duplicate_imei": "imei"}

    class Status(models.TextChoices):
        IN_USE = "in_use", _("In use")
        LOST = "lost", _("Lost")
        BROKEN = "broken", _("Broken")
        REPLACED = "replaced", _("Replaced")

    class Spec(models.TextChoices):
        BELOW_MINIMUM = "below_minimum", _("Below the CHT's minimum")
        BELOW_RECOMMENDED = "below_recommended", _("Below the recommended")
        OK = "ok", _("Meets the recommended")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="devices")
    user_name = models.CharField(
        _("user"), max_length=200, blank=True, help_text=_("The health worker who has it.")
    )
    phone_model = models.CharField(_("model"), max_length=120)
    imei = models.CharField(
        _("IMEI"), max_length=15, validators=[validate_imei], help_text=_("15 digits (*#06#).")
    )
    sim_number = models.CharField(_("SIM number"), max_length=32, blank=True)
    android_version = models.CharField(
        _("Android version"), max_length=16, help_text=_("e.g. 9 or 5.1.")
    )
    ram_gb = models.DecimalField(
        _("RAM (GB)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    storage_gb = models.PositiveIntegerField(_("storage (GB)"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_USE
    )
    handed_over_on = models.DateField(
        _("handed over on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user_name", "imei"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "imei"],
                name="device_unique_imei_per_program",
                violation_error_code="duplicate_imei",
                violation_error_message=_("A device with this IMEI is already in the fleet."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone_model} {self.imei}"

    def clean(self) -> None:
        super().clean()
        self.imei = (self.imei or "").replace(" ", "").replace("-", "")
        self.android_version = (self.android_version or "").strip()
        if self.android_version and parse_android(self.android_version) is None:
            raise ValidationError(
                {"android_version": _("Write the version as numbers, e.g. 9 or 5.1.")}
            )

    @property
    def spec(self) -> str:
        android = parse_android(self.android_version) or (0, 0)
        for level, (version, ram, storage) in (
            (self.Spec.BELOW_MINIMUM, MINIMUM),
            (self.Spec.BELOW_RECOMMENDED, RECOMMENDED),
        ):
            if android < version or self.ram_gb < ram or self.storage_gb < storage:
                return level
        return self.Spec.OK

    def get_spec_display(self) -> str:
        return str(self.Spec(self.spec).label)
