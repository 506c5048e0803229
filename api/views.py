"""The REST API, /api/v1/. Thin, like the pages: each view loads the program through
`chtprograms.access.program_for` (404 for a program the person may not see, 403 for a change
they may not make), reads through the apps' selectors and writes through their services, so a
call does exactly what the same action on a page does.

One file on purpose: every endpoint of /api/v1/ with the same few lines of access checks side by
side, so that a reviewer reads the whole permission surface of the API in one place."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from chtprograms.access import program_for
from chtprograms.models import Program
from instances import selectors as instance_selectors
from instances.models import Instance, Snapshot, release_support
from lifecycle import activity_services as lifecycle_services
from lifecycle import portfolio_selectors as lifecycle_portfolio_selectors
from lifecycle import selectors as lifecycle_selectors
from lifecycle.models import StageActivity, StageTransition
from personas.selectors import programs_visible_to
from plan.budget import selectors as budget_selectors
from plan.budget.models import BudgetLine, Expenditure
from plan.budget.selectors import programs_with_budget_totals
from plan.chw_support import selectors as chw_selectors
from plan.indicators import selectors as indicator_selectors
from plan.indicators import services as indicator_services
from plan.indicators.models import Indicator, Measurement
from plan.risks import selectors as risk_selectors
from plan.risks.models import Lesson, Risk
from reports import selectors as report_selectors
from reports.models import CloseoutReport

from . import filters, serializers
from .models import AccessToken

CHANGE = "chtprograms.change_program"


def _fake(view) -> bool:
    """True while drf-spectacular builds the schema (no request, no program)."""
    return getattr(view, "swagger_fake_view", False)


class ProgramScopedMixin:
    """A view under /programs/{slug}/: the program is one the person may see, or 404."""

    @property
    def program(self) -> Program:
        if not hasattr(self, "_program"):
            self._program = program_for(self.request, self.kwargs["slug"])
        return self._program

    def require(self, perm: str, obj=None) -> None:
        """403 unless the person has `perm` on `obj` (the program by default)."""
        if not self.request.user.has_perm(perm, self.program if obj is None else obj):
            raise PermissionDenied

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not _fake(self):
            context["program"] = self.program
        return context


# --- programs ---------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Programs you may see",
        description="The portfolio's programs (archived ones left out), with the portfolio's "
        "filters and sorts.",
    ),
    retrieve=extend_schema(summary="A program"),
)
class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Program.objects.none()
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self):
        # The filter set gives the rows (`portfolio_table`); this only names who may see what.
        if _fake(self):
            return Program.objects.none()
        return programs_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ProgramDetailSerializer
        return serializers.ProgramSerializer

    def get_object(self):
        program = program_for(self.request, self.kwargs["slug"])
        return (
            programs_with_budget_totals(
                lifecycle_portfolio_selectors.programs_with_lifecycle(
                    Program.objects.filter(pk=program.pk)
                )
            )
            .select_related("lead_organization", "lifecycle")
            .prefetch_related("partner_links__organization")
            .get()
        )


# --- the lifecycle ----------------------------------------------------------------------------


class LifecycleView(ProgramScopedMixin, GenericAPIView):
    serializer_class = serializers.LifecycleSerializer

    @extend_schema(
        summary="Stage, gate and plan",
        description="Where the program stands: its stage, the criteria of its gate (met or "
        "not), the decisions you may take and the planned and actual dates of each stage.",
    )
    def get(self, request, slug):
        program = self.program
        lifecycle = lifecycle_selectors.lifecycle_get(program=program)
        rail = lifecycle_selectors.stage_rail(lifecycle=lifecycle)
        history = list(lifecycle_selectors.history_list(lifecycle=lifecycle))
        data = {
            "stage": rail.stage,
            "stage_label": rail.stage_label,
            "working_stage": rail.working_stage,
            "stage_entered_at": lifecycle.stage_entered_at,
            "days_in_stage": rail.days_in_stage,
            "held_since": rail.held_since,
            "steps": rail.steps,
            "gate": lifecycle_selectors.gate_get(lifecycle=lifecycle),
            "decisions": sorted(
                lifecycle_selectors.decisions_for(lifecycle=lifecycle, user=request.user)
            ),
            "plan": lifecycle_selectors.plan_rows(
                lifecycle=lifecycle,
                plans=lifecycle_selectors.stage_plans(lifecycle=lifecycle),
                history=history,
            ),
        }
        return Response(self.get_serializer(data).data)


@extend_schema_view(list=extend_schema(summary="The program's transitions, oldest first"))
class HistoryViewSet(ProgramScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = StageTransition.objects.none()
    serializer_class = serializers.TransitionSerializer
    filterset_class = filters.HistoryFilter

    def get_queryset(self):
        if _fake(self):
            return StageTransition.objects.none()
        lifecycle = lifecycle_selectors.lifecycle_get(program=self.program)
        return lifecycle_selectors.history_list(lifecycle=lifecycle)


# --- activities -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The program's activities, every stage"),
    retrieve=extend_schema(summary="An activity"),
    partial_update=extend_schema(
        summary="Record progress on an activity",
        description="Status and evidence: the assignee, program heads and administrators "
        "(done needs a note or a link; not applicable needs a reason). Assignee (someone on "
        "the team) and due date: heads and administrators only.",
        request=serializers.ActivityUpdateSerializer,
        responses={200: serializers.ActivitySerializer},
    ),
)
class ActivityViewSet(
    ProgramScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = StageActivity.objects.none()
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    lookup_url_kwarg = "activity_id"
    lookup_value_converter = "api_id"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if _fake(self):
            return StageActivity.objects.none()
        return lifecycle_selectors.activity_list(program=self.program)

    def get_object(self):
        return lifecycle_selectors.activity_get(program=self.program, pk=self.kwargs["activity_id"])

    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        self.require("lifecycle.update_activity", activity)
        given = serializers.ActivityUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        plan = None
        if any(field in data for field in given.PLAN_FIELDS):
            if not request.user.has_perm(CHANGE, self.program):
                raise PermissionDenied(
                    _("Only the program's heads and administrators assign activities.")
                )
            plan = {
                "assignee": self._team_member(data["assignee"])
                if "assignee" in data
                else activity.assignee,
                "due_on": data["due_on"] if "due_on" in data else activity.due_on,
            }
        lifecycle_services.activity_record(
            activity=activity,
            by=request.user,
            status=data.get("status", activity.status),
            evidence_note=data.get("evidence_note", activity.evidence_note),
            evidence_url=data.get("evidence_url", activity.evidence_url),
            plan=plan,
        )
        return Response(self.get_serializer(self.get_object()).data)

    def _team_member(self, user_id):
        """The team member with this id (the page offers only them), or a 400 on `assignee`."""
        if user_id is None:
            return None
        for user in lifecycle_selectors.team_users(program=self.program):
            if user.pk == user_id:
                return user
        raise ValidationError({"assignee": _("Choose someone on the program's team.")})


# --- budget -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The program's budget lines, with what was spent on each"),
    retrieve=extend_schema(summary="A budget line"),
)
class BudgetLineViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = BudgetLine.objects.none()
    serializer_class = serializers.BudgetLineSerializer
    filterset_class = filters.BudgetLineFilter
    lookup_url_kwarg = "line_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return BudgetLine.objects.none()
        return budget_selectors.budget_line_list(program=self.program)


@extend_schema_view(
    list=extend_schema(summary="The program's expenditures, newest first"),
    retrieve=extend_schema(summary="An expenditure"),
)
class ExpenditureViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Expenditure.objects.none()
    serializer_class = serializers.ExpenditureSerializer
    filterset_class = filters.ExpenditureFilter
    lookup_url_kwarg = "expenditure_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return Expenditure.objects.none()
        return budget_selectors.expenditure_list(program=self.program)


# --- indicators -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The program's indicators and where each stands"),
    retrieve=extend_schema(summary="An indicator"),
)
class IndicatorViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.none()
    serializer_class = serializers.IndicatorSerializer
    filter_backends: list = []
    lookup_url_kwarg = "indicator_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return Indicator.objects.none()
        return indicator_selectors.indicator_list(program=self.program)


@extend_schema_view(
    list=extend_schema(summary="An indicator's measurements, oldest first"),
    create=extend_schema(
        summary="Record a measurement",
        request=serializers.MeasurementCreateSerializer,
        responses={201: serializers.MeasurementSerializer},
        description="A value of the indicator for a period (e.g. a month's figure pushed by a "
        "ministry's system). Program heads and administrators. One value per period.",
    ),
)
class MeasurementViewSet(
    ProgramScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = Measurement.objects.none()
    serializer_class = serializers.MeasurementSerializer
    filterset_class = filters.MeasurementFilter

    @property
    def indicator(self) -> Indicator:
        if not hasattr(self, "_indicator"):
            self._indicator = indicator_selectors.indicator_get(
                program=self.program, pk=self.kwargs["indicator_id"]
            )
        return self._indicator

    def get_queryset(self):
        if _fake(self):
            return Measurement.objects.none()
        return indicator_selectors.measurement_list(indicator=self.indicator)

    def create(self, request, *args, **kwargs):
        indicator = self.indicator
        self.require(CHANGE)
        given = serializers.MeasurementCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        measurement = indicator_services.measurement_create(
            indicator=indicator, **given.validated_data
        )
        return Response(self.get_serializer(measurement).data, status=status.HTTP_201_CREATED)


# --- CHW support, risks, lessons --------------------------------------------------------------


class CHWSupportView(ProgramScopedMixin, GenericAPIView):
    serializer_class = serializers.CHWSupportSerializer

    @extend_schema(
        summary="CHW support (the 4S) and its gaps",
        responses={200: serializers.CHWSupportSerializer},
        description="404 too when the program has not recorded its CHW support yet.",
    )
    def get(self, request, slug):
        support = chw_selectors.chw_support_get(program=self.program)
        if support is None:
            raise Http404(_("This program has not recorded its CHW support yet."))
        context = {
            **self.get_serializer_context(),
            "gaps": chw_selectors.chw_support_gaps(support=support),
        }
        return Response(serializers.CHWSupportSerializer(support, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="The program's risks, newest first"),
    retrieve=extend_schema(summary="A risk"),
)
class RiskViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Risk.objects.none()
    serializer_class = serializers.RiskSerializer
    filterset_class = filters.RiskFilter
    lookup_url_kwarg = "risk_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return Risk.objects.none()
        return risk_selectors.risk_queryset(program=self.program)


@extend_schema_view(
    list=extend_schema(summary="Challenges met and lessons learned, newest first"),
    retrieve=extend_schema(summary="A lesson"),
)
class LessonViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Lesson.objects.none()
    serializer_class = serializers.LessonSerializer
    filterset_class = filters.LessonFilter
    lookup_url_kwarg = "lesson_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return Lesson.objects.none()
        return risk_selectors.lesson_list(program=self.program)


# --- closeout reports -------------------------------------------------------------------------


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


@extend_schema_view(
    list=extend_schema(summary="The closeout report's versions, newest first"),
    retrieve=extend_schema(summary="A version of the closeout report"),
)
class ReportViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = CloseoutReport.objects.none()
    serializer_class = serializers.ReportSerializer
    filter_backends: list = []
    lookup_field = "version"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return CloseoutReport.objects.none()
        return report_selectors.report_list(program=self.program)

    def get_object(self):
        return report_selectors.report_get(program=self.program, version=self.kwargs["version"])


class ReportDownloadView(ProgramScopedMixin, APIView):
    renderer_classes = [renderers.JSONRenderer, PDFRenderer]

    @extend_schema(
        summary="Download a version's PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF of a ready version."
            )
        },
    )
    def get(self, request, slug, version):
        report = report_selectors.report_get(program=self.program, version=version)
        if not report.is_ready:
            raise Http404(_("This version has no PDF."))
        try:
            stored = report.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The PDF of this version is missing.")) from None
        response = FileResponse(
            stored, as_attachment=True, filename=report.filename, content_type="application/pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON, whatever the client said it accepts.
        if isinstance(response, Response):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


# --- CHT instances ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The program's CHT instances, and those shared with it"),
    retrieve=extend_schema(summary="A CHT instance"),
)
class InstanceViewSet(ProgramScopedMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Instance.objects.none()
    serializer_class = serializers.InstanceSerializer
    filter_backends: list = []
    lookup_url_kwarg = "instance_id"
    lookup_value_converter = "api_id"

    def get_queryset(self):
        if _fake(self):
            return Instance.objects.none()
        return instance_selectors.instance_list(program=self.program)

    def get_object(self):
        for instance in self.get_queryset():
            if instance.pk == self.kwargs["instance_id"]:
                return instance
        raise Http404(_("No such instance."))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not _fake(self):
            table = instance_selectors.releases()
            today = timezone.localdate()

            def support(instance):
                snapshot = instance.latest_snapshot
                return release_support(snapshot.app_version if snapshot else "", table, today)[0]

            context["support"] = support
        return context


@extend_schema_view(list=extend_schema(summary="What each poll of an instance found"))
class SnapshotViewSet(ProgramScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Snapshot.objects.none()
    serializer_class = serializers.SnapshotSerializer
    filterset_class = filters.SnapshotFilter

    def get_queryset(self):
        if _fake(self):
            return Snapshot.objects.none()
        instances = instance_selectors.instance_list(program=self.program)
        instance = next((i for i in instances if i.pk == self.kwargs["instance_id"]), None)
        if instance is None:
            raise Http404(_("No such instance."))
        return instance_selectors.snapshot_list(instance=instance)


# --- who is calling ---------------------------------------------------------------------------


class MeView(GenericAPIView):
    serializer_class = serializers.MeSerializer

    @extend_schema(summary="Who the token or session signs in as")
    def get(self, request):
        token = request.auth if isinstance(request.auth, AccessToken) else None
        user = request.user
        user.token = token
        return Response(self.get_serializer(user).data)


def not_found(request, *args, **kwargs):
    """Any address under /api/ that names no endpoint (nor a well-formed id)."""
    detail = _("Not found.")
    if not request.path.endswith("/"):
        detail = _("Not found. The API's addresses end with “/”.")
    return JsonResponse({"detail": detail}, status=404)
