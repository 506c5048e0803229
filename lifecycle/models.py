"""The lifecycle of a program: its stage (a state machine), activities, stage plan, gate reviews
and the history of its transitions.

These models may point at `chtprograms` and `personas` models (the one-way chain of
docs/architecture.md).
Transition methods change fields in memory only; `lifecycle.services` saves, writes the history
and enqueues follow-ups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from chtprograms.models import Program, ProgramType
from core.constraints import ConstraintErrorsOnFieldsMixin
from core.validators import TEXT, text_limit, validate_date_in_range
from lifecycle import gates
from lifecycle.stages import (
    FINISHED_STATUSES,
    WORK_STAGE_CHOICES,
    WORK_STAGES,
    ActivityStatus,
    Decision,
    Stage,
    TransitionName,
    earlier_stages,
    next_stage,
)
from personas.models import PersonaRole


def can_decide(instance: "Lifecycle", user) -> bool:
    """Transition permission: the program head, or site staff (`lifecycle.decide_gate`)."""
    return user.has_perm("lifecycle.decide_gate", instance.program)


class Lifecycle(ConcurrentTransitionMixin, models.Model):
    """Where one program stands. The stage changes only through the transition methods."""

    program = models.OneToOneField(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="lifecycle"
    )
    stage = FSMField(
        _("stage"), choices=Stage.choices, default=Stage.INITIATION, protected=True, db_index=True
    )
    held_from = models.CharField(
        _("put on hold from"),
        max_length=32,
        choices=WORK_STAGE_CHOICES,
        blank=True,
        help_text=_("The stage `resume` returns to."),
    )
    held_since = models.DateTimeField(_("on hold since"), null=True, blank=True)
    last_stage = models.CharField(
        _("working stage"),
        max_length=32,
        choices=WORK_STAGE_CHOICES,
        default=Stage.INITIATION,
        help_text=_("The working stage the program is in, or was in when held or stopped."),
    )
    stage_entered_at = models.DateTimeField(_("entered the stage at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    #: Set by the service before it asks which transitions are available (not stored): the gate
    #: criteria the head waives, and one GateContext shared by every check of the request.
    waived_criteria: frozenset[str] = frozenset()
    gate_context = None

    class Meta:
        verbose_name = _("lifecycle")
        verbose_name_plural = _("lifecycles")

    def __str__(self) -> str:
        return f"{self.program}: {self.get_stage_display()}"

    @property
    def is_active(self) -> bool:
        return self.stage in WORK_STAGES

    @property
    def is_terminal(self) -> bool:
        return self.stage in (Stage.CLOSED, Stage.CANCELLED)

    # --- transitions (in memory only; the service saves) --------------------------------------

    def advance(self):
        """A working stage → the next, when its gate is met or the unmet criteria are waived."""
        self.last_stage = next_stage(self.stage)
        self.stage_entered_at = timezone.now()

    # One (source → target) pair per stage, so that `graph_transitions` draws the real edges.
    for _source, _target in zip(WORK_STAGES[:-1], WORK_STAGES[1:], strict=True):
        advance = transition(
            field=stage,
            source=_source,
            target=_target,
            conditions=[gates.exit_gate_clear],
            permission=can_decide,
        )(advance)

    def send_back(self, *, to: str):
        """A working stage → an earlier one (e.g. support → building for enhancements)."""
        if to not in earlier_stages(self.stage):
            raise ValidationError(
                {"to": _("Choose a stage before the current one.")}, code="not_earlier"
            )
        self.last_stage = to
        self.stage_entered_at = timezone.now()
        return to

    for _source in WORK_STAGES[1:]:
        send_back = transition(
            field=stage,
            source=_source,
            target=RETURN_VALUE(*earlier_stages(_source)),
            conditions=[gates.has_earlier_stage],
            permission=can_decide,
        )(send_back)

    @transition(field=stage, source=list(WORK_STAGES), target=Stage.ON_HOLD, permission=can_decide)
    def hold(self):
        self.held_from = self.stage
        self.held_since = timezone.now()

    @transition(
        field=stage,
        source=Stage.ON_HOLD,
        target=RETURN_VALUE(*WORK_STAGES),
        conditions=[gates.has_stage_to_resume],
        permission=can_decide,
    )
    def resume(self):
        """Back to the stage the program was put on hold from."""
        stage = self.held_from
        self.held_from = ""
        self.held_since = None
        return stage

    @transition(
        field=stage,
        source=[*WORK_STAGES, Stage.ON_HOLD],
        target=Stage.CANCELLED,
        permission=can_decide,
    )
    def cancel(self):
        self.held_from = ""
        self.held_since = None
        self.stage_entered_at = timezone.now()

    @transition(
        field=stage,
        source=Stage.CLOSEOUT,
        target=Stage.CLOSED,
        conditions=[gates.exit_gate_clear],
        permission=can_decide,
    )
    def close(self):
        self.stage_entered_at = timezone.now()

    del _source, _target


#: The transition methods by name: services look names up here, never with getattr.
TRANSITION_METHODS = {
    TransitionName.ADVANCE: Lifecycle.advance,
    TransitionName.SEND_BACK: Lifecycle.send_back,
    TransitionName.HOLD: Lifecycle.hold,
    TransitionName.RESUME: Lifecycle.resume,
    TransitionName.CANCEL: Lifecycle.cancel,
    TransitionName.CLOSE: Lifecycle.close,
}


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a history row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Rows are written once. (A database trigger refuses UPDATEs as well; see migrations.)"""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows cannot be deleted.")


class StageTransition(AppendOnlyModel):
    """One row per transition that happened: the program's history. Never rewritten."""

    lifecycle = models.ForeignKey(Lifecycle, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(_("transition"), max_length=16, choices=TransitionName.choices)
    source = models.CharField(_("from"), max_length=32, choices=Stage.choices)
    target = models.CharField(_("to"), max_length=32, choices=Stage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, **text_limit(TEXT))
    waived_criteria = models.JSONField(
        _("waived criteria"),
        default=list,
        blank=True,
        help_text=_("The gate criteria that were unmet and waived: [{id, label}]."),
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("stage transition")
        verbose_name_plural = _("stage transitions")
        indexes = [models.Index(fields=["lifecycle", "at"], name="lifecycle_history_at")]

    def __str__(self) -> str:
        return f"{self.get_transition_display()}: {self.source} → {self.target}"


class GateReview(AppendOnlyModel):
    """A head's decision on a gate: go, go with waived criteria, or stay (no-go)."""

    lifecycle = models.ForeignKey(Lifecycle, on_delete=models.CASCADE, related_name="gate_reviews")
    stage = models.CharField(_("stage"), max_length=32, choices=WORK_STAGE_CHOICES)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True, **text_limit(TEXT))
    unmet_criteria = models.JSONField(_("unmet criteria"), default=list, blank=True)
    waived_criteria = models.JSONField(_("waived criteria"), default=list, blank=True)
    transition = models.OneToOneField(
        StageTransition,
        verbose_name=_("transition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gate_review",
    )

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_decision_display()}"


def _in_language(english: str, french: str) -> str:
    """`french` when the active language is French and it is filled in, else `english`."""
    if french and (get_language() or "").startswith("fr"):
        return french
    return english


class ActivityTemplate(models.Model):
    """A default activity, copied into each new program of the listed types (admin-editable)."""

    stage = models.CharField(_("stage"), max_length=32, choices=WORK_STAGE_CHOICES)
    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(
        _("title in French"),
        max_length=300,
        blank=True,
        help_text=_("Shown to people who read the app in French; empty: the English title."),
    )
    description = models.TextField(_("description"), blank=True, **text_limit(TEXT))
    description_fr = models.TextField(_("description in French"), blank=True, **text_limit(TEXT))
    program_types = models.JSONField(
        _("program types"),
        default=list,
        help_text=_("The program types this activity applies to."),
    )
    required = models.BooleanField(
        _("required"),
        default=True,
        help_text=_("Required activities must be done or marked not applicable to pass the gate."),
    )
    role = models.CharField(
        _("suggested role"), max_length=32, choices=PersonaRole.choices, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive templates are not used for new programs.")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("activity template")
        verbose_name_plural = _("activity templates")

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.title}"

    def clean(self) -> None:
        super().clean()
        types = self.program_types
        if not isinstance(types, list) or not types:
            raise ValidationError({"program_types": _("Choose at least one program type.")})
        unknown = set(types) - set(ProgramType.values)
        if unknown:
            raise ValidationError(
                {"program_types": _("Unknown program type: %(types)s") % {"types": unknown}}
            )

    def applies_to(self, program_type: str) -> bool:
        return program_type in self.program_types


class StageActivity(models.Model):
    """A piece of work inside one stage of one program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="stage_activities")
    template = models.ForeignKey(
        ActivityTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=32, choices=WORK_STAGE_CHOICES)
    title = models.CharField(_("title"), max_length=300)
    title_fr = models.CharField(_("title in French"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, **text_limit(TEXT))
    description_fr = models.TextField(_("description in French"), blank=True, **text_limit(TEXT))
    required = models.BooleanField(_("required"), default=True)
    role = models.CharField(
        _("suggested role"), max_length=32, choices=PersonaRole.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_activities",
    )
    due_on = models.DateField(
        _("due date"), null=True, blank=True, validators=[validate_date_in_range]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.TODO
    )
    evidence_note = models.TextField(
        _("evidence or reason"),
        blank=True,
        help_text=_("What shows it is done; or why it does not apply."),
        **text_limit(TEXT),
    )
    evidence_url = models.URLField(_("evidence link"), blank=True, max_length=500)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stage activity")
        verbose_name_plural = _("stage activities")
        indexes = [
            models.Index(fields=["program", "stage"], name="activity_program_stage"),
            # The open activities by due date: `lifecycle.selectors.overdue_activities`.
            models.Index(
                fields=["program", "stage", "due_on"],
                name="activity_open_by_due_date",
                condition=~models.Q(status__in=sorted(FINISHED_STATUSES)),
            ),
            # The same, led by the due date: every program's overdue ones at once (the
            # portfolio's tile): a range of this index rather than a scan of every activity.
            models.Index(
                fields=["due_on", "program", "stage"],
                name="activity_open_due_first",
                condition=~models.Q(status__in=sorted(FINISHED_STATUSES)),
            ),
        ]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The title in the active language: the French one when there is one."""
        return _in_language(self.title, self.title_fr)

    @property
    def shown_description(self) -> str:
        return _in_language(self.description, self.description_fr)

    def clean(self) -> None:
        super().clean()
        if self.status == ActivityStatus.NOT_APPLICABLE and not self.evidence_note.strip():
            raise ValidationError(
                {"evidence_note": _("Say why this activity does not apply to the program.")}
            )
        if (
            self.status == ActivityStatus.DONE
            and not self.evidence_note.strip()
            and not self.evidence_url
        ):
            raise ValidationError(
                {"evidence_note": _("Add a note or a link that shows the activity is done.")}
            )

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return (
            not self.is_finished and self.due_on is not None and self.due_on < timezone.localdate()
        )


class StageStay(models.Model):
    """A summary row: the days a program spent in a working stage it has left (all its visits
    added up; the stage it is in now has none), worked out from its history in the site's time
    zone. The portfolio's stage durations read these instead of walking every history. Written
    only by `lifecycle.services.stage_stays_rebuild`, which each transition calls in its own
    database transaction (and `manage.py rebuild_portfolio_summary` for all programs)."""

    lifecycle = models.ForeignKey(Lifecycle, on_delete=models.CASCADE, related_name="stays")
    stage = models.CharField(_("stage"), max_length=32, choices=WORK_STAGE_CHOICES)
    days = models.IntegerField(_("days"))

    class Meta:
        verbose_name = _("stage stay")
        verbose_name_plural = _("stage stays")
        constraints = [
            models.UniqueConstraint(fields=["lifecycle", "stage"], name="stage_stay_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.days}"


class StagePlan(ConstraintErrorsOnFieldsMixin, models.Model):
    """The planned start and end of one stage. Actual dates come from the history."""

    constraint_error_fields = {"plan_end_before_start": "planned_end"}

    lifecycle = models.ForeignKey(Lifecycle, on_delete=models.CASCADE, related_name="plans")
    stage = models.CharField(_("stage"), max_length=32, choices=WORK_STAGE_CHOICES)
    planned_start = models.DateField(_("planned start"), validators=[validate_date_in_range])
    planned_end = models.DateField(_("planned end"), validators=[validate_date_in_range])

    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_start", "id"]
        verbose_name = _("stage plan")
        verbose_name_plural = _("stage plans")
        constraints = [
            models.UniqueConstraint(fields=["lifecycle", "stage"], name="stage_plan_one_per_stage"),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="stage_plan_end_not_before_start",
                violation_error_code="plan_end_before_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.planned_start} → {self.planned_end}"


class EthicsApproval(models.Model):
    """The ethics approval of a (research) program: a lifecycle fact, checked by a gate."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="ethics_approval"
    )
    approved_on = models.DateField(_("approved on"), validators=[validate_date_in_range])
    reference = models.CharField(
        _("reference"), max_length=200, help_text=_("The approval's number or reference.")
    )
    approving_body = models.CharField(
        _("approving body"),
        max_length=200,
        blank=True,
        help_text=_("e.g. the national ethics review committee."),
    )
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, validators=[validate_date_in_range]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ethics approval")
        verbose_name_plural = _("ethics approvals")

    def __str__(self) -> str:
        return f"{self.program}: {self.reference}"

    def clean(self) -> None:
        super().clean()
        if self.approved_on and self.approved_on > timezone.localdate():
            raise ValidationError({"approved_on": _("The approval date cannot be in the future.")})
        if self.expires_on and self.approved_on and self.expires_on < self.approved_on:
            raise ValidationError({"expires_on": _("The expiry cannot be before the approval.")})
