"""What a CHT's `/api/v2/monitoring` answer means: its figures and the flags they raise.

The answer's shape is cht-core's `api/src/services/monitoring.js` (3.12 and later; database
`sizes` since 4.12; `replication_failure` since 4.22). A figure the server could not compute
is `-1` (numbers) or `""` (versions): it is stored as unknown (None), never as zero.

The thresholds are the CHT Watchdog's default alert rules (medic/cht-watchdog,
`grafana/provisioning/alerting/cht.yml`, as first released). Pure functions, no database."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

MONITORING_PATH = "/api/v2/monitoring"
IMPACT_PATH = "/api/v1/impact"
MONITORED_DATABASES = ("medic", "sentinel", "usersmeta", "users")
#: The Watchdog flags fragmentation only on databases with more than this many documents.
FRAGMENTATION_MIN_DOCS = 1000
#: `_users` holds two documents that are not users (the CHT's impact API deducts them too).
USERS_DB_NON_USER_DOCS = 2


@dataclass(frozen=True)
class FlagRule:
    code: str
    label: Any
    rule: Any


# Thresholds: a flag is raised when the figure is above (or, for SMS delivery, below) it.
FRAGMENTATION_MAX = 8
OUTBOUND_PUSH_BACKLOG_MAX = 9
SENTINEL_BACKLOG_MAX = 499
CLOCK_SKEW_MAX_SECONDS = 300
REPLICATION_LIMIT_MAX = 9
FEEDBACK_GROWTH_MAX = 4
CONFLICT_GROWTH_MAX = 4
SMS_DELIVERY_MIN = 0.9

FLAG_RULES = {
    rule.code: rule
    for rule in (
        FlagRule(
            "down",
            _("Down"),
            _("The last poll found the instance down or could not reach it."),
        ),
        FlagRule(
            "not_monitorable",
            _("No monitoring answer"),
            _(
                "The address answers, but with a login page or something that is not the "
                "CHT's monitoring answer: check the address (and the proxy in front of it)."
            ),
        ),
        FlagRule(
            "fragmentation",
            _("Database fragmentation"),
            _(
                "A CouchDB database with more than 1,000 documents takes more than 8 times the "
                "disk space its data needs: compaction is not keeping up."
            ),
        ),
        FlagRule(
            "outbound_push_backlog",
            _("Outbound push backlog"),
            _("More than 9 documents wait to be pushed to another system."),
        ),
        FlagRule(
            "sentinel_backlog",
            _("Sentinel backlog"),
            _("More than 499 changes wait for Sentinel (transitions, schedules, SMS)."),
        ),
        FlagRule(
            "clock_skew",
            _("Server clock"),
            _("The server's clock is more than 300 seconds away from ours."),
        ),
        FlagRule(
            "replication_limit",
            _("Users over the replication limit"),
            _("More than 9 users have more documents than the replication limit."),
        ),
        FlagRule(
            "feedback_growth",
            _("Client errors"),
            _("More than 4 new feedback (error) documents in 24 hours."),
        ),
        FlagRule(
            "conflict_growth",
            _("Database conflicts"),
            _("More than 4 new conflicts in 24 hours."),
        ),
        FlagRule(
            "sms_delivery",
            _("SMS delivery"),
            _(
                "Of the messages that were delivered or failed in the last 24 hours, less "
                "than 90% were delivered."
            ),
        ),
        FlagRule(
            "end_of_life",
            _("End of life"),
            _("The CHT version has passed its end of life: it gets no more fixes."),
        ),
        FlagRule(
            "eol_soon",
            _("End of life soon"),
            _("The CHT version reaches its end of life within 90 days: plan the upgrade."),
        ),
    )
}


#: Above this a figure is nonsense (and would not fit a column): unknown.
LARGEST_FIGURE = 10**15


def number(value: Any) -> int | float | None:
    """A figure, or None when the server could not compute it (-1, "", missing, not a number,
    or absurdly large)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return None if value < 0 or value > LARGEST_FIGURE else value


def integer(value: Any) -> int | None:
    found = number(value)
    return None if found is None else int(found)


def text(value: Any, length: int = 64) -> str:
    return value.replace("\x00", "").strip()[:length] if isinstance(value, str) else ""


def dig(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def looks_like_monitoring(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("version"), dict) and "couchdb" in data


def figures(data: dict, *, received_at: datetime.datetime) -> dict[str, Any]:
    """The typed columns of a snapshot, from a monitoring answer."""
    fragmentations = []
    for database in MONITORED_DATABASES:
        docs = integer(dig(data, "couchdb", database, "doc_count"))
        ratio = number(dig(data, "couchdb", database, "fragmentation"))
        if docs is not None and docs > FRAGMENTATION_MIN_DOCS and ratio is not None:
            fragmentations.append(float(ratio))
    users_docs = integer(dig(data, "couchdb", "users", "doc_count"))
    server_ms = number(dig(data, "date", "current"))
    skew = None
    if server_ms is not None:
        skew = min(round(abs(server_ms / 1000 - received_at.timestamp())), INT32_MAX)
    total = dig(data, "messaging", "outgoing", "total")
    if not isinstance(total, dict):  # /api/v1 shape (older servers behind a proxy)
        total = dig(data, "messaging", "outgoing", "state")
    return {
        "app_version": text(dig(data, "version", "app")),
        "couchdb_version": text(dig(data, "version", "couchdb")),
        "node_version": text(dig(data, "version", "node")),
        "medic_doc_count": integer(dig(data, "couchdb", "medic", "doc_count")),
        "medic_doc_del_count": integer(dig(data, "couchdb", "medic", "doc_del_count")),
        "medic_file_bytes": integer(dig(data, "couchdb", "medic", "sizes", "file")),
        "medic_active_bytes": integer(dig(data, "couchdb", "medic", "sizes", "active")),
        "fragmentation": round(max(fragmentations), 2) if fragmentations else None,
        "sentinel_backlog": integer(dig(data, "sentinel", "backlog")),
        "outbound_push_backlog": integer(dig(data, "outbound_push", "backlog")),
        "feedback_count": integer(dig(data, "feedback", "count")),
        "conflict_count": integer(dig(data, "conflict", "count")),
        "replication_limit_count": integer(dig(data, "replication_limit", "count")),
        "replication_failure_count": integer(dig(data, "replication_failure", "count")),
        "connected_users_7d": integer(dig(data, "connected_users", "count")),
        "users_count": (
            max(users_docs - USERS_DB_NON_USER_DOCS, 0) if users_docs is not None else None
        ),
        "messages_delivered": integer(dig(total, "delivered")),
        "messages_failed": integer(dig(total, "failed")),
        "clock_skew_seconds": skew,
        "uptime_seconds": integer(dig(data, "date", "uptime")),
    }


INT32_MAX = 2**31 - 1


def storable_json(data: Any) -> Any:
    """The answer as it can be stored (PostgreSQL's jsonb takes no NaN and no NUL), or None."""
    try:
        encoded = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return None if "\\u0000" in encoded else data


def impact_users(data: Any) -> int | None:
    """`users.count` of an `/api/v1/impact` answer (5.0+)."""
    return integer(dig(data, "users", "count"))


@dataclass(frozen=True)
class Growth:
    feedback: int | None
    conflicts: int | None
    sms_delivery: float | None


def growth_24h(history: Sequence[dict]) -> Growth:
    """From the "up" snapshots of the last 24 hours, oldest first (the new one last): the new
    feedback documents and conflicts (the sum of the rises between consecutive snapshots, so
    a count that dropped and rose again still counts its rise) and the share of delivered
    messages among those delivered or failed since the first of them."""

    def rises(key: str) -> int | None:
        values = [row[key] for row in history if row.get(key) is not None]
        if len(values) < 2:
            return None
        return sum(
            max(after - before, 0) for before, after in zip(values, values[1:], strict=False)
        )

    delivered = [row for row in history if row.get("messages_delivered") is not None]
    failed = [row for row in history if row.get("messages_failed") is not None]
    sms = None
    if len(delivered) >= 2 and len(failed) >= 2:
        newly_delivered = max(
            delivered[-1]["messages_delivered"] - delivered[0]["messages_delivered"], 0
        )
        newly_failed = max(failed[-1]["messages_failed"] - failed[0]["messages_failed"], 0)
        if newly_delivered + newly_failed > 0:
            sms = newly_delivered / (newly_delivered + newly_failed)
    return Growth(rises("feedback_count"), rises("conflict_count"), sms)


def figure_flags(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, detail) of every Watchdog threshold the figures cross."""
    flags = []

    def above(code: str, key: str, limit: float, fmt: str = "{:,}") -> None:
        value = values.get(key)
        if value is not None and value > limit:
            flags.append((code, fmt.format(value)))

    above("fragmentation", "fragmentation", FRAGMENTATION_MAX, "{:.1f}")
    above("outbound_push_backlog", "outbound_push_backlog", OUTBOUND_PUSH_BACKLOG_MAX)
    above("sentinel_backlog", "sentinel_backlog", SENTINEL_BACKLOG_MAX)
    above("clock_skew", "clock_skew_seconds", CLOCK_SKEW_MAX_SECONDS, "{:,} s")
    above("replication_limit", "replication_limit_count", REPLICATION_LIMIT_MAX)
    above("feedback_growth", "feedback_growth_24h", FEEDBACK_GROWTH_MAX, "+{:,}")
    above("conflict_growth", "conflict_growth_24h", CONFLICT_GROWTH_MAX, "+{:,}")
    delivery = values.get("sms_delivery_24h")
    if delivery is not None and delivery < SMS_DELIVERY_MIN:
        flags.append(("sms_delivery", f"{delivery:.0%}"))
    return flags


def support_flags(support: str, release) -> list[tuple[str, str]]:
    if support == "end_of_life":
        return [("end_of_life", str(release))]
    if support == "ending_soon":
        return [("eol_soon", f"{release} → {release.end_of_life.isoformat()}")]
    return []
