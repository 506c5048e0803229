# The lifecycle's fixtures: a program with its head, team members, an outsider and site staff.
from tests.lifecycle.conftest import (  # noqa: F401
    developer,
    head,
    outsider,
    program,
    program_admin,
    research_program,
    staff,
)
