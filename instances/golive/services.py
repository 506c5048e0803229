"""Go-live readiness writes."""

from chtprograms.models import Program
from core.services import create_or_update_validated

from .models import GoLiveReadiness

READINESS_FIELDS = (
    "training_app_removed_on",
    "credential_delivery",
    "backups_3_2_1",
    "last_restore_tested_on",
    "monitoring_separate_server",
    "monitoring_alerts",
    "app_languages",
    "privacy_policy_languages",
    "support_shared_on",
    "cht_version",
    "notes",
)


def readiness_save(*, program: Program, version: str | None = None, **fields) -> GoLiveReadiness:
    """Create or update the program's go-live readiness record."""
    return create_or_update_validated(
        GoLiveReadiness, {"program": program}, READINESS_FIELDS, fields, version=version
    )
