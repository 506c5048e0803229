"""How a change is being made — through a page, the API, an import, the admin or a command —
for the trail of every change (audit/). A context variable: the request's path gives the
default, and code that writes for another reason says so with `made_through(...)`."""

import contextlib
import contextvars
from collections.abc import Iterator

PAGE, API, IMPORT, ADMIN, CHT, SYSTEM = "page", "api", "import", "admin", "cht", "system"

_through: contextvars.ContextVar[str | None] = contextvars.ContextVar("made_through", default=None)


@contextlib.contextmanager
def made_through(channel: str) -> Iterator[None]:
    """Changes made inside the block are recorded as made through `channel`."""
    token = _through.set(channel)
    try:
        yield
    finally:
        _through.reset(token)


def channel_of(path: str | None) -> str:
    """The channel in force: the one set with `made_through`, else the request's kind."""
    explicit = _through.get()
    if explicit:
        return explicit
    if path is None:
        return SYSTEM
    if path.startswith("/api/"):
        return API
    if path.startswith("/admin/"):
        return ADMIN
    return PAGE
