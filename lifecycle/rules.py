"""Who may update a stage activity (autodiscovered by `rules`, like every app's `rules.py`).

`lifecycle.decide_gate` (program head or site staff) is defined in `personas.rules`."""

import rules

from personas.models import MANAGING_ROLES
from personas.rules import can_decide_gate, is_site_staff, program_roles


@rules.predicate
def is_activity_assignee(user, activity) -> bool:
    return bool(user.is_authenticated and activity is not None and activity.assignee_id == user.pk)


@rules.predicate
def manages_activity_program(user, activity) -> bool:
    """Program head or program administrator of the activity's program."""
    return activity is not None and bool(MANAGING_ROLES & program_roles(user, activity.program))


can_update_activity = is_site_staff | is_activity_assignee | manages_activity_program

rules.add_perm("lifecycle.update_activity", can_update_activity)

# Closeout reports: heads (and site staff) ask for a new version; whoever may see the program
# downloads them (`chtprograms.view_program`).
rules.add_perm("lifecycle.generate_report", can_decide_gate)
