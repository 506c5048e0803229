"""CHW support writes."""

from chtprograms.models import Program
from core.services import checked_fields, create_validated, update_validated
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


def chw_support_save(*, program: Program, **fields) -> CHWSupport:
    """Create or update the program's CHW support (4S) record."""
    fields = checked_fields(fields, CHW_SUPPORT_FIELDS)
    support = CHWSupport.objects.filter(program=program).first()
    if support is None:
        return create_validated(CHWSupport(program=program, **fields))
    return update_validated(support, CHW_SUPPORT_FIELDS, fields)
