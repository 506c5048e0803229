"""A small patch of kombu's Redis transport (kombu 5.7.0, the version pinned in requirements.txt).

The crash: a worker holding unacknowledged messages (a task running, with `acks_late`) loses
Redis. Celery's consumer cleans up the broken connection: `Connection.collect()` and `close()`
set the transport's `client` (its kombu `Connection`) to None. When the running task then
finishes, the worker acknowledges (or rejects) its message on the old channel; that channel's
Redis pool was dropped with the connection, so it builds a new one from
`Channel._connparams()`, which reads `self.connection.client.hostname`: `AttributeError:
'NoneType' object has no attribute 'hostname'`, an "Unrecoverable error" that stops the worker
for good. An idle worker has nothing to acknowledge, so it reconnects.

The patch: each Redis channel remembers the connection details it was opened with, and
`_connparams()` uses them when the transport has forgotten its own. The acknowledgement then
reaches Redis once it is back (or fails with a connection error the worker handles); the message
was restored to its queue by the cleanup anyway, and the tasks' database claims make a second
run send nothing twice. No transport option avoids this, and no newer kombu fixes it yet:
`tests/config/test_broker.py` checks the installed kombu still has the bug (remove this patch
when it fails) and that the patch works."""

from __future__ import annotations

_PATCHED = "_chtprograms_remembers_conninfo"


def patch_redis_transport() -> bool:
    """Apply the patch once (idempotent). Returns False when kombu's Redis transport (or the
    redis library) is not installed."""
    try:
        from kombu.transport import redis as transport
    except ImportError:  # pragma: no cover — redis is in requirements.txt
        return False
    channel = transport.Channel
    if getattr(channel, _PATCHED, False):
        return True
    original_init = channel.__init__
    original_connparams = channel._connparams

    def __init__(self, connection, *args, **kwargs):  # noqa: N807 — the method it wraps
        self._chtprograms_conninfo = getattr(connection, "client", None)
        original_init(self, connection, *args, **kwargs)

    def _connparams(self, asynchronous=False):
        transport_ = self.connection
        remembered = getattr(self, "_chtprograms_conninfo", None)
        if transport_ is not None and transport_.client is None and remembered is not None:
            transport_.client = remembered
            try:
                return original_connparams(self, asynchronous=asynchronous)
            finally:
                transport_.client = None
        return original_connparams(self, asynchronous=asynchronous)

    channel.__init__ = __init__
    channel._connparams = _connparams
    channel._chtprograms_original_connparams = original_connparams
    setattr(channel, _PATCHED, True)
    return True
