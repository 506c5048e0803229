"""/api/v1/: the REST API, its OpenAPI schema and docs; and the token pages of the profile."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import token_views, views

app_name = "api"


class IdConverter:
    """A record's id: 1 to 18 digits (a longer number is no id: the JSON 404, never an
    integer overflow in the database)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "api_id")

PROGRAM = "programs/<slug:slug>"

router = SimpleRouter(use_regex_path=False)
router.register("programs", views.ProgramViewSet, basename="program")
router.register(f"{PROGRAM}/lifecycle/history", views.HistoryViewSet, basename="history")
router.register(f"{PROGRAM}/activities", views.ActivityViewSet, basename="activity")
router.register(f"{PROGRAM}/budget-lines", views.BudgetLineViewSet, basename="budget-line")
router.register(f"{PROGRAM}/expenditures", views.ExpenditureViewSet, basename="expenditure")
router.register(f"{PROGRAM}/indicators", views.IndicatorViewSet, basename="indicator")
router.register(
    f"{PROGRAM}/indicators/<api_id:indicator_id>/measurements",
    views.MeasurementViewSet,
    basename="measurement",
)
router.register(f"{PROGRAM}/risks", views.RiskViewSet, basename="risk")
router.register(f"{PROGRAM}/lessons", views.LessonViewSet, basename="lesson")
router.register(f"{PROGRAM}/reports", views.ReportViewSet, basename="report")
router.register(f"{PROGRAM}/instances", views.InstanceViewSet, basename="instance")
router.register(
    f"{PROGRAM}/instances/<api_id:instance_id>/snapshots",
    views.SnapshotViewSet,
    basename="snapshot",
)

api_v1 = [
    path("me/", views.MeView.as_view(), name="me"),
    path(f"{PROGRAM}/lifecycle/", views.LifecycleView.as_view(), name="lifecycle"),
    path(f"{PROGRAM}/chw-support/", views.CHWSupportView.as_view(), name="chw-support"),
    path(
        f"{PROGRAM}/reports/<api_id:version>/download/",
        views.ReportDownloadView.as_view(),
        name="report-download",
    ),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs page is a page: anonymous people are sent to the login page, as everywhere.
    # Swagger UI (vendored, drf-spectacular-sidecar) sets inline styles as it draws: allowed on
    # this page only, which shows no text typed by users as HTML. Scripts stay 'self' only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
        ),
        name="docs",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    # Anything else under /api/ answers a JSON 404, not the site's HTML page.
    re_path(r"^api/", views.not_found, name="not-found"),
    path("profile/api-tokens/", token_views.token_list, name="tokens"),
    path("profile/api-tokens/<api_id:pk>/revoke/", token_views.token_revoke, name="token-revoke"),
]
