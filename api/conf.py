"""Settings of the REST API (api/), imported by config/settings/base.py.

Clients sign in with the browser session (with CSRF) or a personal access token
(`Authorization: Bearer chtp_…`, made on the profile page); requests are throttled per token
(per person for the session). Values come from the environment."""

import environ

env = environ.Env()

#: Requests a client may make: per token (`token`) and per signed-in browser (`session`).
API_TOKEN_RATE = env("API_TOKEN_RATE", default="2000/hour")
API_SESSION_RATE = env("API_SESSION_RATE", default="2000/hour")
#: Where the throttles count requests. The default keeps the counts in each web process's
#: memory; with several processes give a shared cache, e.g. redis://127.0.0.1:6379/2.
API_THROTTLE_CACHE = env.cache_url("API_THROTTLE_CACHE_URL", default="locmemcache://api-throttle")
#: Personal access tokens: how long one may live at most, and how many a person may hold.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_TOKENS_PER_PERSON = env.int("API_TOKENS_PER_PERSON", default=20)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_TOKEN_RATE, "session": API_SESSION_RATE},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # JSON only (the PDF download aside): no `?format=` to choose another renderer.
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CHT Programs API",
    "DESCRIPTION": (
        "Programs, their lifecycle, activities, budget, indicators, CHW support, risks and "
        "lessons, closeout reports and CHT instances. A client sees and changes exactly what "
        "its person sees and changes on the pages: other programs answer 404. Sign in with a "
        "personal access token (`Authorization: Bearer chtp_…`, made on the profile page) or "
        "the browser session. Money is a decimal string with its ISO 4217 currency."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and its favicon from drf-spectacular-sidecar's files: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PATH_CONVERTER_OVERRIDES": {
        "api_id": {"type": "integer", "minimum": 1, "maximum": 999_999_999_999_999_999}
    },
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "chtprograms.stages.Stage",
        "WorkStageEnum": "chtprograms.stages.WORK_STAGE_CHOICES",
        "ActivityStatusEnum": "lifecycle.stages.ActivityStatus",
        "LevelEnum": "plan.risks.models.Level",
        "RiskStatusEnum": ["open", "mitigating", "closed"],
        "ReportStatusEnum": "reports.models.ReportStatus",
        "InstanceStatusEnum": "instances.models.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
