from tests.lifecycle.conftest import (  # noqa: F401
    developer,
    head,
    outsider,
    program,
    staff,
)
