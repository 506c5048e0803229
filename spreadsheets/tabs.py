"""The record tabs that go in and out as spreadsheets, each a `Sheet`, and `SHEETS`: their
registry by URL key. Every write goes through the tab's own services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lifecycle import activity_services
from lifecycle.models import StageActivity
from lifecycle.stages import WORK_STAGE_CHOICES, WORK_STAGES
from personas import services as team_services
from personas.models import Membership
from plan.budget import services as budget_services
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support import services as chw_services
from plan.chw_support.models import CHWSupport
from plan.devices import services as device_services
from plan.devices.models import Device
from plan.indicators import services as indicator_services
from plan.indicators.models import Indicator, Measurement
from plan.risks import services as risk_services
from plan.risks.models import Lesson, Risk
from plan.training import services as training_services
from plan.training.models import TrainingEvent

from .sheets import Column, Sheet, choice, field_column, person_column, text, whole_number


def _team_by_email(program) -> dict:
    users = get_user_model().objects.filter(
        pk__in=Membership.objects.current().filter(program=program).values("user_id")
    )
    return {user.email.casefold(): user for user in users if user.email}


def _reference_column(key: str, label: str, help: str, lookup: str) -> Column:
    """A column naming another record of the program by its number (`lookups[lookup]`)."""

    def read(value, lookups):
        wanted = whole_number(value)
        if wanted is None:
            return None
        found = lookups[lookup].get(wanted)
        if found is None:
            raise ValidationError(
                _("no %(what)s %(number)s in this program.")
                % {"what": label.lower(), "number": wanted}
            )
        return found

    return Column(
        key, label, help, True, read=read, write=lambda record: getattr(record, f"{key}_id")
    )


# --- budget ---------------------------------------------------------------------------------


class BudgetLines(Sheet):
    key = "budget-lines"
    model = BudgetLine
    fields = budget_services.BUDGET_LINE_FIELDS
    natural_key = ("category", "stage", "name")
    tab = "plan:budget"
    label = gettext_lazy("Budget lines")
    ordering = ("category", "name", "id")
    create_service = budget_services.budget_line_create
    update_service, update_argument = budget_services.budget_line_update, "line"


class Expenditures(Sheet):
    key = "expenditures"
    model = Expenditure
    fields = budget_services.EXPENDITURE_FIELDS
    natural_key = ("line", "date", "description")
    tab = "plan:budget"
    label = gettext_lazy("Expenditures")
    create_service = budget_services.expenditure_create
    update_service, update_argument = budget_services.expenditure_update, "expenditure"

    def field_columns(self):
        line = _reference_column(
            "line",
            _("Budget line"),
            _("The number of the budget line (the “No.” column of the budget lines' export)."),
            "lines",
        )
        return [line, *(field_column(Expenditure, name) for name in self.fields if name != "line")]

    def records(self, program):
        return (
            Expenditure.objects.filter(line__program=program)
            .select_related("line")
            .order_by("date", "id")
        )

    def lookups(self, program, rows):
        return {"lines": {line.pk: line for line in BudgetLine.objects.filter(program=program)}}

    def attach(self, instance, program, lookups):
        """An expenditure belongs to its line; the line column sets it."""


# --- team -----------------------------------------------------------------------------------


class Team(Sheet):
    """Who holds which role. A row adds a person (by e-mail, an account that exists) in a role;
    a row with a number changes that membership's role. People are never taken off the team
    by an import: that is the team page's decision."""

    key = "team"
    model = Membership
    fields = ("user", "role")
    natural_key = ("user", "role")
    tab = "personas:team"
    permission = "personas.manage_team"
    label = gettext_lazy("Team")

    def field_columns(self):
        name = Column(
            "name",
            _("Name"),
            _("For reading: the name is taken from the person's account."),
            writable=False,
            read=lambda value, _lookups: text(value),
            write=lambda record: record.user.get_full_name() or record.user.username,
        )
        email = person_column(
            "user",
            _("E-mail"),
            help=_("The address of the person's account."),
            lookup="people",
            unknown=_(
                "No one can be added with the address “%(email)s”. Check it, or ask a site "
                "administrator to create their account."
            ),
            required=True,
        )
        since = Column(
            "since",
            _("Since"),
            _("For reading: the day the person joined in this role."),
            writable=False,
            read=lambda value, _lookups: text(value),
            write=lambda record: record.since,
        )
        return [email, name, field_column(Membership, "role"), since]

    def records_of(self, programs):
        return (
            Membership.objects.current()
            .filter(program__in=programs)
            .select_related("user")
            .order_by("role", "user__email", "id")
        )

    def lookups(self, program, rows):
        emails = {text(row.get("user")).casefold() for row in rows} - {""}
        people: dict = {}
        found = (
            get_user_model()
            .objects.annotate(address=Lower("email"))
            .filter(is_active=True, address__in=emails)
        )
        for person in found:
            # an address two accounts share names no one (as on the team page)
            people[person.address] = None if person.address in people else person
        return {"people": {email: person for email, person in people.items() if person}}

    def create(self, *, program, by, values):
        team_services.membership_add(
            program=program, user=values["user"], role=values["role"], by=by
        )

    def update(self, *, record, by, values):
        if values.get("user") is not None and values["user"].pk != record.user_id:
            raise ValidationError(
                _("A row's number and e-mail must stay together: add the person as a new row.")
            )
        team_services.membership_change_role(membership=record, role=values["role"], by=by)


# --- indicators -----------------------------------------------------------------------------


class Indicators(Sheet):
    key = "indicators"
    model = Indicator
    fields = tuple(
        name
        for name in indicator_services.INDICATOR_FIELDS
        if name not in ("impact_source", "impact_key", "impact_count")
    )
    natural_key = ("name",)
    tab = "plan:indicators"
    label = gettext_lazy("Indicators")
    ordering = ("name", "id")
    create_service = indicator_services.indicator_create
    update_service, update_argument = indicator_services.indicator_update, "indicator"


class Measurements(Sheet):
    key = "measurements"
    model = Measurement
    fields = ("indicator", *indicator_services.MEASUREMENT_FIELDS)
    natural_key = ("indicator", "period_end")
    tab = "plan:indicators"
    label = gettext_lazy("Measurements")

    def field_columns(self):
        indicator = _reference_column(
            "indicator",
            _("Indicator"),
            _("The number of the indicator (the “No.” column of the indicators' export)."),
            "indicators",
        )
        name = Column(
            "indicator_name",
            _("Indicator name"),
            _("For reading."),
            writable=False,
            read=lambda value, _lookups: text(value),
            write=lambda record: record.indicator.name,
        )
        rest = [field_column(Measurement, field) for field in indicator_services.MEASUREMENT_FIELDS]
        return [indicator, name, *rest]

    def records(self, program):
        return (
            Measurement.objects.filter(indicator__program=program)
            .select_related("indicator")
            .order_by("indicator__name", "period_end", "id")
        )

    def lookups(self, program, rows):
        return {"indicators": {item.pk: item for item in Indicator.objects.filter(program=program)}}

    def attach(self, instance, program, lookups):
        """A measurement belongs to its indicator; the indicator column sets it."""

    def create(self, *, program, by, values):
        fields = dict(values)
        indicator_services.measurement_create(indicator=fields.pop("indicator"), **fields)

    def update(self, *, record, by, values):
        fields = dict(values)
        if fields.pop("indicator").pk != record.indicator_id:
            raise ValidationError(
                _("A measurement stays with its indicator: add it as a new row instead.")
            )
        indicator_services.measurement_update(measurement=record, **fields)


# --- CHW support, risks, lessons ------------------------------------------------------------


class CHWSupportSheet(Sheet):
    key = "chw-support"
    model = CHWSupport
    fields = chw_services.CHW_SUPPORT_FIELDS
    tab = "plan:chw-support"
    one_per_program = True
    label = gettext_lazy("CHW support")
    create_service = chw_services.chw_support_save

    def columns(self):
        return self.field_columns()

    def update(self, *, record, by, values):
        chw_services.chw_support_save(program=record.program, **values)


class Risks(Sheet):
    key = "risks"
    model = Risk
    fields = risk_services.RISK_FIELDS
    natural_key = ("description",)
    tab = "plan:risks"
    label = gettext_lazy("Risks")
    create_service = risk_services.risk_create
    update_service, update_argument = risk_services.risk_update, "risk"

    def field_columns(self):
        return [
            person_column("owner", _("Owner")) if name == "owner" else field_column(Risk, name)
            for name in self.fields
        ]

    def records(self, program):
        return Risk.objects.filter(program=program).select_related("owner").order_by("id")

    def lookups(self, program, rows):
        return {"team": _team_by_email(program)}


class Lessons(Sheet):
    key = "lessons"
    model = Lesson
    fields = risk_services.LESSON_FIELDS
    natural_key = ("stage", "what_happened")
    tab = "plan:risks"
    label = gettext_lazy("Lessons")
    ordering = ("recorded_on", "id")
    update_service, update_argument = risk_services.lesson_update, "lesson"

    def create(self, *, program, by, values):
        risk_services.lesson_create(program=program, by=by, **values)


# --- activities, training, devices ----------------------------------------------------------


class Activities(Sheet):
    """The stages' activities: their progress, assignee, due date and evidence. The activities
    themselves come from the stage templates, so rows change existing ones only."""

    key = "activities"
    model = StageActivity
    fields = ("status", "assignee", "due_on", "evidence_note", "evidence_url")
    natural_key = ("stage", "title")
    tab = "lifecycle:detail"
    creates = False
    label = gettext_lazy("Activities")

    def number_help(self):
        return _(
            "The activity's number from the export; or leave it empty and keep the stage and title."
        )

    def field_columns(self):
        stages = dict(WORK_STAGE_CHOICES)
        stage = Column(
            "stage",
            _("Stage"),
            _("For finding the activity when its number is empty."),
            choices=tuple((code, str(label)) for code, label in WORK_STAGE_CHOICES),
            writable=False,
            read=lambda value, _lookups: _stage(value),
            write=lambda record: str(stages.get(record.stage, record.stage)),
        )
        title = Column(
            "title",
            _("Title"),
            _("For finding the activity when its number is empty."),
            writable=False,
            read=lambda value, _lookups: text(value),
            write=lambda record: record.title,
        )
        rest = [
            person_column("assignee", _("Assignee"))
            if name == "assignee"
            else field_column(StageActivity, name)
            for name in self.fields
        ]
        return [stage, title, *rest]

    def records(self, program):
        return (
            StageActivity.objects.filter(program=program)
            .select_related("assignee")
            .annotate(
                stage_index=Case(
                    *(
                        When(stage=stage, then=Value(index))
                        for index, stage in enumerate(WORK_STAGES)
                    ),
                    output_field=IntegerField(),
                )
            )
            .order_by("stage_index", "position", "id")
        )

    def lookups(self, program, rows):
        return {"team": _team_by_email(program)}

    def identity(self, values):
        return (values.get("stage") or "", (values.get("title") or "").casefold())

    def create(self, *, program, by, values):
        raise ValidationError(_("Activities come from the stage templates: none can be added."))

    def update(self, *, record, by, values):
        activity_services.activity_record(
            activity=record,
            by=by,
            status=values.get("status", record.status),
            evidence_note=values.get("evidence_note", record.evidence_note),
            evidence_url=values.get("evidence_url", record.evidence_url),
            plan={
                "assignee": values.get("assignee", record.assignee),
                "due_on": values.get("due_on", record.due_on),
            },
        )


def _stage(value):
    return choice(value, WORK_STAGE_CHOICES, _("Stage"))


class Training(Sheet):
    key = "training"
    model = TrainingEvent
    fields = training_services.TRAINING_FIELDS
    natural_key = ("kind", "starts_on", "place")
    tab = "plan:training"
    label = gettext_lazy("Training events")
    ordering = ("starts_on", "id")
    create_service = training_services.training_event_create
    update_service, update_argument = training_services.training_event_update, "event"


class Devices(Sheet):
    key = "devices"
    model = Device
    fields = device_services.DEVICE_FIELDS
    natural_key = ("imei",)
    tab = "plan:devices"
    label = gettext_lazy("Devices")
    ordering = ("user_name", "id")
    create_service = device_services.device_create
    update_service, update_argument = device_services.device_update, "device"

    def identity(self, values):
        imei = "".join(ch for ch in str(values.get("imei") or "") if ch not in " -")
        return (imei,)


SHEETS: dict[str, Sheet] = {
    sheet.key: sheet
    for sheet in (
        BudgetLines(),
        Expenditures(),
        Team(),
        Indicators(),
        Measurements(),
        CHWSupportSheet(),
        Risks(),
        Lessons(),
        Activities(),
        Training(),
        Devices(),
    )
}
