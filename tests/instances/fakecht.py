"""Answers like a CHT's, for a real HTTP server on loopback (pytest-httpserver).

The shapes follow cht-core's `api/src/services/monitoring.js` at each version: 3.17 (no
database sizes), 4.12+ (`sizes` and view indexes), 5.x (Nouveau indexes, replication failures;
`/api/v1/impact`)."""

import time

from werkzeug import Response


def _db(name, docs, *, fragmentation, sizes, deleted=0):
    info = {
        "name": name,
        "update_sequence": docs * 3,
        "doc_count": docs,
        "doc_del_count": deleted,
        "fragmentation": fragmentation,
    }
    if sizes:
        info["sizes"] = {"active": docs * 4000, "file": int(docs * 4000 * fragmentation)}
        info["view_indexes"] = [{"name": "medic", "sizes": {"active": 1000, "file": 1500}}]
    return info


def monitoring(
    version="4.12.0",
    *,
    sizes=None,
    docs=120_000,
    users_docs=52,
    connected=40,
    sentinel=3,
    push=0,
    feedback=2,
    conflicts=1,
    replication_limit=0,
    fragmentation=1.4,
    delivered=900,
    failed=10,
    now_ms=None,
    replication_failure=None,
):
    """A /api/v2/monitoring answer. `sizes` defaults to what the version sends."""
    major, minor = (int(part) for part in version.split(".")[:2])
    if sizes is None:
        sizes = (major, minor) >= (4, 12)
    answer = {
        "version": {"app": version, "node": "v20.11.1", "couchdb": "3.3.3"},
        "couchdb": {
            "medic": _db("medic", docs, fragmentation=fragmentation, sizes=sizes, deleted=17),
            "sentinel": _db("medic-sentinel", 5000, fragmentation=1.1, sizes=sizes),
            "usersmeta": _db("medic-users-meta", 300, fragmentation=2.0, sizes=sizes),
            "users": _db("_users", users_docs, fragmentation=1.2, sizes=sizes),
        },
        "date": {
            "current": now_ms if now_ms is not None else int(time.time() * 1000),
            "uptime": 86_400.5,
        },
        "sentinel": {"backlog": sentinel},
        "messaging": {
            "outgoing": {
                "total": {
                    "due": 0,
                    "scheduled": 4,
                    "muted": 1,
                    "failed": failed,
                    "delivered": delivered,
                },
                "seven_days": {"due": 0, "scheduled": 0, "muted": 0, "failed": 1, "delivered": 80},
                "last_hundred": {
                    "pending": {"pending": 0, "forwarded-to-gateway": 0},
                    "final": {"sent": 3, "delivered": 95, "failed": 2},
                    "muted": {"denied": 0, "cleared": 0, "muted": 0, "duplicate": 0},
                },
            }
        },
        "outbound_push": {"backlog": push},
        "feedback": {"count": feedback},
        "conflict": {"count": conflicts},
        "replication_limit": {"count": replication_limit},
        "connected_users": {"count": connected},
    }
    if major >= 5:
        answer["couchdb"]["medic"]["nouveau_indexes"] = [
            {"name": "medic/contacts_by_freetext", "doc_count": 900, "file_size": 12000}
        ]
    if replication_failure is not None or (major, minor) >= (4, 22):
        answer["replication_failure"] = {"count": replication_failure or 0}
    return answer


def unknown_everywhere(version=""):
    """A server that could compute nothing: -1 for numbers, "" for versions."""
    answer = monitoring("4.12.0")
    answer["version"] = {"app": version, "node": "v20.11.1", "couchdb": ""}
    for db in answer["couchdb"].values():
        db.update({"doc_count": -1, "doc_del_count": -1, "fragmentation": -1})
        db["sizes"] = {"active": -1, "file": -1}
    answer["sentinel"]["backlog"] = -1
    answer["outbound_push"]["backlog"] = -1
    answer["feedback"]["count"] = -1
    answer["conflict"]["count"] = -1
    answer["replication_limit"]["count"] = -1
    answer["connected_users"]["count"] = -1
    for key in answer["messaging"]["outgoing"]["total"]:
        answer["messaging"]["outgoing"]["total"][key] = -1
    return answer


def impact(users=48):
    return {
        "users": {"count": users},
        "contacts": {
            "count": 1300,
            "by_type": [{"type": "person", "count": 1000}, {"type": "clinic", "count": 300}],
        },
        "reports": {"count": 5000, "by_form": [{"form": "pregnancy", "count": 5000}]},
    }


class Streamed:
    """A handler sending `total` bytes in 64 KiB chunks (no Content-Length unless asked),
    counting what it managed to send before the client hung up."""

    def __init__(self, total: int, *, declare_length: bool = False):
        self.total = total
        self.declare_length = declare_length
        self.sent = 0

    def __call__(self, request):
        chunk = b"[" + b"0," * 32767 + b"0"  # JSON-looking, never finished

        def body():
            while self.sent < self.total:
                self.sent += len(chunk)
                yield chunk

        headers = {"Content-Length": str(self.total)} if self.declare_length else {}
        return Response(body(), status=200, headers=headers, content_type="application/json")


def slow(seconds: float):
    def handler(request):
        time.sleep(seconds)
        return Response('{"late": true}', content_type="application/json")

    return handler
