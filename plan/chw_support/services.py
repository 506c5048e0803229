"""CHW support writes."""

from chtprograms.models import Program
from core.services import create_or_update_validated
from plan.chw_support.models import CHWSupport

CHW_SUPPORT_FIELDS = (
    "chw_count",
    "last_refresher",
    "next_refresher",
    "supervisor_count",
    "compensation_model",
    "compensation_amount",
    "compensation_currency",
    "compensation_frequency",
    "payer",
    "supply_status",
    "last_restock",
    "notes",
)


def chw_support_save(*, program: Program, version: str | None = None, **fields) -> CHWSupport:
    """Create or update the program's CHW support (4S) record."""
    return create_or_update_validated(
        CHWSupport, {"program": program}, CHW_SUPPORT_FIELDS, fields, version=version
    )
