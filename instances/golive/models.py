"""Go-live readiness: what must be true before real health workers depend on the app (the CHT
documentation's hosting, backup, monitoring, privacy-policy and training pages).

One record per program. The hosting gate reads it, with the program's own CHT instances
(kind, cut-over date, TLS and domain dates, the version a poll found), through
`instances.golive.criteria`."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.validators import TEXT, text_limit, validate_date_in_range

#: A restore tested longer ago than this no longer proves the backups work.
RESTORE_TEST_MAX_AGE = relativedelta(months=6)


def language_set(value: str) -> set[str]:
    """ "English, Swahili; fr" → {"english", "swahili", "fr"}."""
    return {part.strip().lower() for part in value.replace(";", ",").split(",") if part.strip()}


class GoLiveReadiness(models.Model):
    class Credentials(models.TextChoices):
        MAGIC_LINK = "magic_link", _("Magic links (token login)")
        ONE_TIME_PASSWORD = "one_time_password", _("One-time passwords reset at first login")
        SHARED_SPREADSHEET = "shared_spreadsheet", _("A shared spreadsheet of passwords")
        OTHER = "other", _("Other")

    #: The ways the CHT documentation accepts.
    SAFE_CREDENTIALS = (Credentials.MAGIC_LINK, Credentials.ONE_TIME_PASSWORD)

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="golive_readiness"
    )
    training_app_removed_on = models.DateField(
        _("training app removed on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("When the training app was removed from the health workers' phones."),
    )
    credential_delivery = models.CharField(
        _("how credentials reach users"),
        max_length=24,
        choices=Credentials.choices,
        blank=True,
    )
    backups_3_2_1 = models.BooleanField(
        _("backups follow 3-2-1"),
        default=False,
        help_text=_("Three copies, on two kinds of media, one of them off site."),
    )
    last_restore_tested_on = models.DateField(
        _("last tested restore"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("A backup is not functional until the restore is tested."),
    )
    monitoring_separate_server = models.BooleanField(
        _("monitoring runs on a separate server"), default=False
    )
    monitoring_alerts = models.BooleanField(
        _("alerts are set up (e.g. CHT Watchdog)"), default=False
    )
    app_languages = models.CharField(
        _("languages the app uses"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas, e.g. English, Swahili."),
    )
    privacy_policy_languages = models.CharField(
        _("privacy policy published in"),
        max_length=300,
        blank=True,
        help_text=_("The languages of the published privacy policy, separated by commas."),
    )
    support_shared_on = models.DateField(
        _("support structure shared with users on"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("Who users call, and how problems are escalated."),
    )
    cht_version = models.CharField(
        _("CHT version"),
        max_length=32,
        blank=True,
        help_text=_("e.g. 4.15.0. A polled production instance's version takes precedence."),
    )
    notes = models.TextField(_("notes"), blank=True, **text_limit(TEXT))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("go-live readiness")
        verbose_name_plural = _("go-live readiness")

    def __str__(self) -> str:
        return str(self.program)

    def clean(self) -> None:
        super().clean()
        errors = {}
        self.cht_version = (self.cht_version or "").strip().lstrip("v")
        if self.cht_version:
            head = self.cht_version.split("-", 1)[0].split(".")
            if len(head) < 2 or not all(part.isdigit() for part in head):
                errors["cht_version"] = _("Write the version as numbers, e.g. 4.15.0.")
        today = timezone.localdate()
        for name in ("training_app_removed_on", "last_restore_tested_on", "support_shared_on"):
            value = getattr(self, name)
            if value and value > today + datetime.timedelta(days=1):
                errors[name] = _("This has not happened yet: the date is in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def missing_privacy_languages(self) -> list[str]:
        """The app's languages with no published privacy policy (as the user wrote them)."""
        published = language_set(self.privacy_policy_languages)
        return [
            part.strip()
            for part in self.app_languages.replace(";", ",").split(",")
            if part.strip() and part.strip().lower() not in published
        ]

    def restore_test_outdated(self, today: datetime.date) -> bool:
        return (
            self.last_restore_tested_on is None
            or self.last_restore_tested_on < today - RESTORE_TEST_MAX_AGE
        )
