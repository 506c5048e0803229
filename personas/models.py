"""Who works on which program, in which persona role."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from chtprograms.models import Program
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.validators import validate_date_in_range

from .timezones import DEFAULT_TIME_ZONE, validate_time_zone


class PersonaRole(models.TextChoices):
    PROGRAM_HEAD = "program_head", _("Program head")
    PROGRAM_ADMIN = "program_admin", _("Program administrator")
    SERVICE_DESIGNER = "service_designer", _("Service designer")
    UX_DESIGNER = "ux_designer", _("UX designer")
    SOFTWARE_DEVELOPER = "software_developer", _("Software developer")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    TECHNICAL_SUPPORT = "technical_support", _("Technical support")
    RESEARCHER = "researcher", _("Researcher")


#: Roles that may change a program's record and its team.
MANAGING_ROLES = frozenset({PersonaRole.PROGRAM_HEAD, PersonaRole.PROGRAM_ADMIN})


class MembershipQuerySet(models.QuerySet):
    def current(self):
        today = timezone.localdate()
        return self.filter(Q(until__isnull=True) | Q(until__gt=today), since__lte=today)


class Membership(ConstraintErrorsOnFieldsMixin, models.Model):
    """A user holding one persona role on one program. A user may hold several roles."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=PersonaRole.choices)
    since = models.DateField(
        _("since"), default=timezone.localdate, validators=[validate_date_in_range]
    )
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("The day the person left the team; empty while they are on it."),
        validators=[validate_date_in_range],
    )

    objects = MembershipQuerySet.as_manager()
    constraint_error_fields = {"duplicate_role": "role", "until_before_since": "until"}

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "role", "user__last_name", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            # "Does this person hold this role anywhere?" on every request (who may create a
            # program, who decides gates): without it, a full scan of every membership.
            models.Index(fields=["user", "role"], name="membership_user_role"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"],
                condition=Q(until__isnull=True),
                name="membership_unique_open_role",
                violation_error_code="duplicate_role",
                violation_error_message=_("This person already holds this role on the program."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="membership_until_not_before_since",
                violation_error_code="until_before_since",
                violation_error_message=_("“Until” cannot be before “since”."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.program})"


# --- profile and preferences (reminders, language, time zone) --------------------------------


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Once a week, on Monday")
    OFF = "off", _("Never")


class Profile(models.Model):
    """A person's preferences: time zone, language and reminders. Created when first needed
    (`personas.services.profile_get`), with the time zone of their first program's country."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_TIME_ZONE,
        validators=[validate_time_zone],
        help_text=_("Times are shown in this zone; the digest arrives at about 08:00 there."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the pages and of the e-mails you receive."),
    )
    digest_frequency = models.CharField(
        _("reminder digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text=_("One e-mail, also shown under the bell, listing what needs your attention."),
    )
    days_ahead = models.PositiveSmallIntegerField(
        _("days ahead"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Remind me of activities and expiring documents due within this many days."),
    )
    muted_programs = models.ManyToManyField(
        Program,
        verbose_name=_("muted programs"),
        blank=True,
        related_name="+",
        help_text=_("No reminders about these programs."),
    )
    email_closeout_reports = models.BooleanField(
        _("e-mail me closeout reports"),
        default=True,
        help_text=_("Receive the closeout report of your programs as an e-mail attachment."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)
