"""How each record reads in the API (one file on purpose: the whole public shape of the API,
one short serializer per resource, read together when the schema changes).

Plain serializers over the models; the values they need beyond a row's own fields (a
program's stage, a line's spending) come annotated or prefetched by the selectors, so a page
of results costs the same queries whatever its length.

Money is `{"amount": "1234.50", "currency": "KES"}`: a decimal string, never a float, with its
ISO 4217 code."""

from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chtprograms.models import Organization, Program, ProgramPartner
from instances.models import Instance, InstanceFlag, Snapshot
from lifecycle.models import StageActivity, StageTransition
from lifecycle.selectors import stage_rail
from lifecycle.stages import ActivityStatus
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support.models import CHWSupport
from plan.indicators.models import Indicator, Measurement
from plan.indicators.selectors import indicator_progress
from plan.risks.models import Lesson, Risk
from reports.models import CloseoutReport

CENT = Decimal("0.01")


# --- shared pieces ----------------------------------------------------------------------------


class StrictCharField(serializers.CharField):
    """Text, and only text: a number or a list is refused, not turned into a string."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number, and only a JSON number: "12", 12.0 and true are refused."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,12}(?:\.\d{0,4})?$"},
            {"type": "number"},
        ],
        "description": "A decimal string (best: no rounding) or a JSON number.",
    }
)
class ValueField(serializers.DecimalField):
    """An indicator's value: up to 12 digits before the point and 4 after."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=16, decimal_places=4, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    currency = serializers.RegexField(r"^[A-Z]{3}$", help_text="ISO 4217 code, e.g. KES.")


@extend_schema_field(MoneySerializer)
class MoneyField(serializers.Field):
    """An amount with its currency, read only. `currency(instance, context)` gives the code."""

    def __init__(self, *, currency, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.currency = currency

    def get_attribute(self, instance):
        amount = super().get_attribute(instance)
        return None if amount is None else (amount, self.currency(instance, self.context))

    def to_representation(self, value):
        amount, currency = value
        amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
        return {"amount": f"{amount:f}", "currency": currency}


def program_currency(instance, context) -> str:
    return context["program"].currency


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


def person(**kwargs) -> PersonSerializer:
    return PersonSerializer(read_only=True, allow_null=True, **kwargs)


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]


# --- programs ---------------------------------------------------------------------------------


class ProgramSerializer(serializers.ModelSerializer):
    """A program in the list: rows of `portfolio_table` (stage, overdue, budget annotated)."""

    url = serializers.HyperlinkedIdentityField(
        view_name="api:program-detail", lookup_field="slug", read_only=True
    )
    country = serializers.CharField(source="country.code", read_only=True)
    lead_organization = OrganizationSerializer(read_only=True)
    stage = serializers.CharField(read_only=True, allow_null=True)
    days_in_stage = serializers.SerializerMethodField()
    overdue_activities = serializers.IntegerField(source="overdue_count", read_only=True)
    past_planned_end = serializers.BooleanField(read_only=True)
    budget_forecast = MoneyField(source="forecast", currency=lambda program, _: program.currency)
    budget_spent = MoneyField(source="spent", currency=lambda program, _: program.currency)

    class Meta:
        model = Program
        fields = [
            "slug",
            "url",
            "name",
            "program_type",
            "country",
            "lead_organization",
            "health",
            "planned_start",
            "planned_end",
            "currency",
            "stage",
            "days_in_stage",
            "overdue_activities",
            "past_planned_end",
            "budget_forecast",
            "budget_spent",
        ]

    def get_days_in_stage(self, program) -> int | None:
        lifecycle = getattr(program, "lifecycle", None)
        return stage_rail(lifecycle=lifecycle).days_in_stage if lifecycle else None


class PartnerSerializer(serializers.ModelSerializer):
    organization = OrganizationSerializer(read_only=True)

    class Meta:
        model = ProgramPartner
        fields = ["organization", "role"]


class ProgramDetailSerializer(ProgramSerializer):
    regions = serializers.ListField(
        source="region_list", child=serializers.CharField(), read_only=True
    )
    partners = PartnerSerializer(source="partner_links", many=True, read_only=True)

    class Meta(ProgramSerializer.Meta):
        fields = [
            *ProgramSerializer.Meta.fields,
            "regions",
            "partners",
            "summary",
            "goals",
            "archived_at",
            "created_at",
            "updated_at",
        ]


# --- the lifecycle ----------------------------------------------------------------------------


class RailStepSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    number = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["done", "current", "upcoming"])


class CriterionSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()
    waivable = serializers.BooleanField()


class GateSerializer(serializers.Serializer):
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    exit_transition = serializers.CharField(help_text="advance, or close from closeout.")
    next_stage_label = serializers.CharField()
    met_count = serializers.IntegerField()
    total = serializers.IntegerField()
    is_met = serializers.BooleanField()
    criteria = CriterionSerializer(source="results", many=True)


class PlanRowSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()
    planned_start = serializers.DateField(allow_null=True)
    planned_end = serializers.DateField(allow_null=True)
    actual_start = serializers.DateField(allow_null=True)
    actual_end = serializers.DateField(allow_null=True)
    days = serializers.IntegerField(allow_null=True)
    slippage = serializers.IntegerField(
        allow_null=True, help_text="Days late (positive) or early (negative) on the planned end."
    )
    is_current = serializers.BooleanField()


class LifecycleSerializer(serializers.Serializer):
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    working_stage = serializers.CharField()
    stage_entered_at = serializers.DateTimeField()
    days_in_stage = serializers.IntegerField(allow_null=True)
    held_since = serializers.DateTimeField(allow_null=True)
    steps = RailStepSerializer(many=True)
    gate = GateSerializer(allow_null=True)
    decisions = serializers.ListField(
        child=serializers.CharField(),
        help_text="What you may decide now: advance, close, send_back, hold, resume, cancel, stay.",
    )
    plan = PlanRowSerializer(many=True)


class WaivedCriterionSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()


class TransitionSerializer(serializers.ModelSerializer):
    by = person()
    waived_criteria = WaivedCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = StageTransition
        fields = ["id", "transition", "source", "target", "by", "at", "note", "waived_criteria"]


# --- activities -------------------------------------------------------------------------------


class ActivitySerializer(serializers.ModelSerializer):
    assignee = person()
    completed_by = person()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = StageActivity
        fields = [
            "id",
            "stage",
            "title",
            "description",
            "required",
            "role",
            "assignee",
            "due_on",
            "status",
            "evidence_note",
            "evidence_url",
            "completed_by",
            "completed_at",
            "is_overdue",
            "updated_at",
        ]


class ActivityUpdateSerializer(serializers.Serializer):
    """What a PATCH may change. Status and evidence: the assignee, the program's heads and
    administrators; assignee and due date: heads and administrators only."""

    status = serializers.ChoiceField(choices=ActivityStatus.choices, required=False)
    evidence_note = StrictCharField(
        required=False, allow_blank=True, max_length=4000, trim_whitespace=False
    )
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    assignee = StrictIntegerField(
        required=False, allow_null=True, help_text="The id of someone on the program's team."
    )
    due_on = serializers.DateField(required=False, allow_null=True)

    PLAN_FIELDS = ("assignee", "due_on")


# --- budget -----------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.ModelSerializer):
    forecast = MoneyField(source="forecast_amount", currency=program_currency)
    spent = MoneyField(currency=program_currency)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "category",
            "stage",
            "name",
            "forecast",
            "spent",
            "note",
            "created_at",
            "updated_at",
        ]


class ExpenditureSerializer(serializers.ModelSerializer):
    amount = MoneyField(currency=program_currency)
    line_name = serializers.CharField(source="line.name", read_only=True)

    class Meta:
        model = Expenditure
        fields = ["id", "line", "line_name", "date", "amount", "description", "reference"]
        read_only_fields = fields


# --- indicators -------------------------------------------------------------------------------


class LatestValueSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4)


class IndicatorSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    latest = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField()
    next_due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "frequency",
            "status",
            "latest",
            "expected",
            "next_due",
            "overdue",
            "created_at",
        ]

    def _progress(self, indicator):
        if not hasattr(indicator, "_api_progress"):
            indicator._api_progress = indicator_progress(indicator)
        return indicator._api_progress

    @extend_schema_field(
        serializers.ChoiceField(choices=["on_track", "off_track", "no_baseline", "no_measurement"])
    )
    def get_status(self, indicator) -> str:
        return self._progress(indicator).status

    @extend_schema_field(LatestValueSerializer(allow_null=True))
    def get_latest(self, indicator):
        latest = self._progress(indicator).latest
        return None if latest is None else LatestValueSerializer(latest).data

    @extend_schema_field(serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True))
    def get_expected(self, indicator):
        expected = self._progress(indicator).expected
        return None if expected is None else f"{expected.quantize(Decimal('0.0001')):f}"

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_due(self, indicator):
        return self._progress(indicator).next_due

    def get_overdue(self, indicator) -> bool:
        return self._progress(indicator).overdue


class MeasurementSerializer(serializers.ModelSerializer):
    """A value of an indicator for a period."""

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "period_end", "value", "source", "note", "created_at"]
        read_only_fields = fields


class MeasurementCreateSerializer(serializers.Serializer):
    """A month's (or quarter's…) figure to record. One value per indicator and period: a
    second one for the same period is refused beside `period_end`."""

    period_end = serializers.DateField(help_text="The last day the value covers.")
    value = ValueField()
    source = StrictCharField(max_length=200, help_text="e.g. DHIS2, CHT dashboard.")
    note = StrictCharField(required=False, allow_blank=True, default="")


# --- CHW support, risks, lessons --------------------------------------------------------------


class GapSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["skilled", "supervised", "salaried", "supplied"])
    message = serializers.CharField()


class CHWSupportSerializer(serializers.ModelSerializer):
    compensation = MoneyField(
        source="compensation_amount",
        currency=lambda support, _: support.compensation_currency,
        allow_null=True,
    )
    chws_per_supervisor = serializers.DecimalField(
        max_digits=10, decimal_places=1, read_only=True, allow_null=True
    )
    gaps = serializers.SerializerMethodField()

    class Meta:
        model = CHWSupport
        fields = [
            "chw_count",
            "last_refresher",
            "next_refresher",
            "supervisor_count",
            "chws_per_supervisor",
            "compensation_model",
            "compensation",
            "compensation_frequency",
            "payer",
            "supply_status",
            "last_restock",
            "notes",
            "gaps",
            "updated_at",
        ]

    @extend_schema_field(GapSerializer(many=True))
    def get_gaps(self, support):
        return [{"code": code, "message": str(message)} for code, message in self.context["gaps"]]


class RiskSerializer(serializers.ModelSerializer):
    owner = person()
    score = serializers.IntegerField(read_only=True, help_text="Likelihood × impact, 1 to 9.")
    serious_and_open = serializers.BooleanField(source="is_serious_and_open", read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "description",
            "likelihood",
            "impact",
            "score",
            "serious_and_open",
            "mitigation",
            "owner",
            "status",
            "created_at",
            "updated_at",
        ]


class LessonSerializer(serializers.ModelSerializer):
    recorded_by = person()

    class Meta:
        model = Lesson
        fields = ["id", "stage", "what_happened", "what_we_learned", "recorded_by", "recorded_on"]


# --- closeout reports -------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    requested_by = person()
    sent_count = serializers.IntegerField(
        read_only=True, default=None, allow_null=True, help_text="E-mails sent."
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CloseoutReport
        fields = [
            "version",
            "status",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "sha256",
            "page_count",
            "size_bytes",
            "error_message",
            "emailed_at",
            "sent_count",
            "download_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, report) -> str | None:
        if not report.is_ready:
            return None
        from django.urls import reverse

        path = reverse(
            "api:report-download",
            kwargs={"slug": self.context["program"].slug, "version": report.version},
        )
        return self.context["request"].build_absolute_uri(path)


# --- CHT instances ----------------------------------------------------------------------------


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstanceFlag
        fields = ["code", "detail", "raised_at"]


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        exclude = ["instance", "slot", "raw", "impact"]


class SnapshotSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        fields = ["id", "polled_at", "status", "http_status", "latency_ms", "app_version", "flags"]


class InstanceSerializer(serializers.ModelSerializer):
    managed_by = serializers.SlugRelatedField(source="program", slug_field="slug", read_only=True)
    shared = serializers.SerializerMethodField(
        help_text="True when another program manages the instance and shares it with this one."
    )
    has_credentials = serializers.BooleanField(read_only=True)
    support_status = serializers.SerializerMethodField()
    latest_snapshot = SnapshotSummarySerializer(read_only=True, allow_null=True)
    open_flags = FlagSerializer(many=True, read_only=True)

    class Meta:
        model = Instance
        fields = [
            "id",
            "kind",
            "label",
            "base_url",
            "managed_by",
            "shared",
            "polling_enabled",
            "go_live_on",
            "cutover_on",
            "domain_renews_on",
            "tls_expires_on",
            "tls_auto_renews",
            "has_credentials",
            "support_status",
            "latest_snapshot",
            "open_flags",
            "created_at",
            "updated_at",
        ]

    def get_shared(self, instance) -> bool:
        return instance.program_id != self.context["program"].pk

    @extend_schema_field(
        serializers.ChoiceField(choices=["supported", "ending_soon", "end_of_life", "unknown"])
    )
    def get_support_status(self, instance) -> str:
        return self.context["support"](instance)


# --- who is calling ---------------------------------------------------------------------------


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField()


class MeSerializer(PersonSerializer):
    email = serializers.CharField()
    token = TokenInfoSerializer(allow_null=True, help_text="The token of this request, if any.")
