"""Reads about CHT instances. Each selector makes a fixed number of queries, whatever the
number of programs, instances or snapshots (tests/instances/test_queries.py pins them)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chtprograms.models import Program

from .models import (
    DOWN_STATUSES,
    STATUS_SEVERITY,
    CHTRelease,
    Instance,
    InstanceFlag,
    Kind,
    Snapshot,
    Status,
    release_support,
)
from .monitoring import FLAG_RULES

#: The columns a page reads from a snapshot (the raw answers stay in the database).
SNAPSHOT_DEFERRED = ("latest_snapshot__raw", "latest_snapshot__impact")
SPARKLINE_DAYS = 30


def releases() -> list[CHTRelease]:
    return list(CHTRelease.objects.all())


def _instances_of(program_ids) -> QuerySet[Instance]:
    ids = list(program_ids)
    return Instance.objects.filter(
        Q(program_id__in=ids)
        | Q(
            pk__in=Instance.shared_with.through.objects.filter(program_id__in=ids).values(
                "instance_id"
            )
        )
    )


def instance_list(*, program: Program) -> list[Instance]:
    """The program's instances and those shared with it, with their latest snapshot and open
    flags (three queries)."""
    instances = (
        _instances_of([program.pk])
        .select_related("latest_snapshot", "program")
        .defer(*SNAPSHOT_DEFERRED)
        .prefetch_related(
            Prefetch(
                "flag_history",
                queryset=InstanceFlag.objects.filter(cleared_at=None).order_by("raised_at"),
                to_attr="open_flags",
            ),
        )
        .order_by("base_url")
    )
    kinds = list(Kind.values)  # production, training, development
    return sorted(instances, key=lambda instance: kinds.index(instance.kind))


def snapshot_list(*, instance: Instance) -> QuerySet[Snapshot]:
    """Every snapshot of the instance, newest first, without the raw answers."""
    return (
        Snapshot.objects.filter(instance=instance)
        .defer("raw", "impact")
        .order_by("-polled_at", "-pk")
    )


def instance_get(*, program: Program, pk: int) -> Instance:
    """An instance the program manages (not one merely shared with it), or 404."""
    instance = (
        Instance.objects.select_related("program")
        .prefetch_related("shared_with")
        .filter(program=program, pk=pk)
        .first()
    )
    if instance is None:
        raise Http404(_("No such instance."))
    return instance


def production_instances(*, program: Program) -> list[Instance]:
    """The production instances the program manages: their domain and certificate dates."""
    return list(
        Instance.objects.filter(program=program, kind=Kind.PRODUCTION)
        .defer("impact_credentials")
        .order_by("base_url")
    )


def instances_expiring(*, program_ids, until: datetime.date) -> QuerySet[Instance]:
    """The production instances whose domain or (manually renewed) certificate lapses by
    `until` (or has lapsed), of the programs that manage them."""
    return Instance.objects.filter(
        Q(domain_renews_on__lte=until) | Q(tls_expires_on__lte=until, tls_auto_renews=False),
        program_id__in=list(program_ids),
        kind=Kind.PRODUCTION,
    ).only("program_id", "domain_renews_on", "tls_expires_on", "tls_auto_renews")


def instances_to_poll() -> list[int]:
    """Ids of the instances the beat polls: polling on, program not archived."""
    return list(
        Instance.objects.filter(polling_enabled=True, program__archived_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- the Instances tab --------------------------------------------------------------------------


@dataclass
class Availability:
    """Polls that found the CHT up ÷ polls that could tell (up, down or unreachable)."""

    polls: int
    up: int
    observed: datetime.timedelta

    @property
    def uptime(self) -> float | None:
        return self.up / self.polls if self.polls else None

    @property
    def downtime(self) -> datetime.timedelta | None:
        if not self.polls:
            return None
        return self.observed * (1 - self.up / self.polls)


@dataclass
class InstanceView:
    instance: Instance
    snapshot: Snapshot | None
    flags: list[InstanceFlag]
    support: str
    release: CHTRelease | None
    week: Availability
    month: Availability
    series: dict[str, list] = field(default_factory=dict)
    days: list[datetime.date] = field(default_factory=list)
    shared: bool = False

    @property
    def engagement_7d(self) -> float | None:
        return _ratio(self.snapshot, "connected_users_7d")

    @property
    def engagement_30d(self) -> float | None:
        return _ratio(self.snapshot, "connected_users_30d")

    @property
    def flag_rows(self) -> list[tuple[InstanceFlag, object]]:
        return [(flag, FLAG_RULES.get(flag.code)) for flag in self.flags]


def _ratio(snapshot: Snapshot | None, key: str) -> float | None:
    if snapshot is None or snapshot.status != Status.UP:
        return None
    connected, users = getattr(snapshot, key), snapshot.users_count
    if connected is None or not users:
        return None
    return connected / users


def _availability(instance_ids, now) -> dict[int, tuple[Availability, Availability]]:
    month_start, week_start = now - datetime.timedelta(days=30), now - datetime.timedelta(days=7)
    told = Q(status__in=[Status.UP, Status.DOWN, Status.UNREACHABLE])
    week = Q(polled_at__gte=week_start)
    rows = (
        Snapshot.objects.filter(instance_id__in=instance_ids, polled_at__gte=month_start)
        .filter(told)
        .values("instance_id")
        .annotate(
            polls=Count("pk"),
            up=Count("pk", filter=Q(status=Status.UP)),
            first=Min("polled_at"),
            polls7=Count("pk", filter=week),
            up7=Count("pk", filter=week & Q(status=Status.UP)),
            first7=Min("polled_at", filter=week),
        )
        .order_by()
    )
    found = {}
    for row in rows:
        found[row["instance_id"]] = (
            Availability(
                row["polls7"],
                row["up7"],
                now - row["first7"] if row["first7"] else datetime.timedelta(),
            ),
            Availability(row["polls"], row["up"], now - row["first"]),
        )
    return found


SERIES = {
    "docs": "medic_doc_count",
    "connected": "connected_users_7d",
    "sentinel": "sentinel_backlog",
    "push": "outbound_push_backlog",
}


def _daily_series(instance_ids, now) -> tuple[list[datetime.date], dict[int, dict[str, list]]]:
    """Per instance and series, the day's highest value over the last 30 days (None for a day
    without an "up" poll), oldest first."""
    today = timezone.localdate(now)
    days = [today - datetime.timedelta(days=n) for n in range(SPARKLINE_DAYS - 1, -1, -1)]
    start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time.min))
    rows = (
        Snapshot.objects.filter(instance_id__in=instance_ids, polled_at__gte=start, status="up")
        .annotate(day=TruncDate("polled_at"))
        .values("instance_id", "day")
        .annotate(**{name: Max(column) for name, column in SERIES.items()})
        .order_by()
    )
    index = {day: n for n, day in enumerate(days)}
    series: dict[int, dict[str, list]] = defaultdict(
        lambda: {name: [None] * len(days) for name in SERIES}
    )
    for row in rows:
        position = index.get(row["day"])
        if position is None:
            continue
        for name in SERIES:
            series[row["instance_id"]][name][position] = row[name]
    return days, series


def instance_page(*, program: Program, now: datetime.datetime | None = None) -> list[InstanceView]:
    """Everything the Instances tab shows, in six queries whatever the number of instances and
    snapshots."""
    now = now or timezone.now()
    instances = instance_list(program=program)
    ids = [instance.pk for instance in instances]
    table = releases()
    availability = _availability(ids, now) if ids else {}
    days, series = _daily_series(ids, now) if ids else ([], {})
    empty = Availability(0, 0, datetime.timedelta())
    views = []
    for instance in instances:
        snapshot = instance.latest_snapshot
        support, release = release_support(
            snapshot.app_version if snapshot else "", table, timezone.localdate(now)
        )
        week, month = availability.get(instance.pk, (empty, empty))
        views.append(
            InstanceView(
                instance=instance,
                snapshot=snapshot,
                flags=instance.open_flags,
                support=support,
                release=release,
                week=week,
                month=month,
                series=series[instance.pk] if instance.pk in series else {},
                days=days,
                shared=instance.program_id != program.pk,
            )
        )
    return views


# --- for the portfolio, the overview's health card and the digest -------------------------------


@dataclass
class ProgramInstancesState:
    instances: int = 0
    polled: int = 0
    worst_status: str | None = None
    down: int = 0
    flag_count: int = 0
    end_of_life: int = 0
    ending_soon: int = 0
    flag_codes: set[str] = field(default_factory=set)

    @property
    def flagged(self) -> bool:
        return self.flag_count > 0


def _program_map(program_ids) -> dict[int, set[int]]:
    """instance id → the ids (among `program_ids`) of the programs it serves (two queries)."""
    ids = list(program_ids)
    served: dict[int, set[int]] = defaultdict(set)
    for instance_id, program_id in Instance.objects.filter(program_id__in=ids).values_list(
        "pk", "program_id"
    ):
        served[instance_id].add(program_id)
    for instance_id, program_id in Instance.shared_with.through.objects.filter(
        program_id__in=ids
    ).values_list("instance_id", "program_id"):
        served[instance_id].add(program_id)
    return served


def instances_state_for_programs(
    program_ids, *, today: datetime.date | None = None
) -> dict[int, ProgramInstancesState]:
    """Per program: how many instances, the worst status of their latest polls, how many flags
    are raised, how many run a CHT version past (or within 90 days of) its end of life. Five
    queries, whatever the number of programs. Programs without instances are absent."""
    today = today or timezone.localdate()
    served = _program_map(program_ids)
    if not served:
        return {}
    latest = {
        pk: (status, version or "")
        for pk, status, version in Instance.objects.filter(pk__in=list(served)).values_list(
            "pk", "latest_snapshot__status", "latest_snapshot__app_version"
        )
    }
    flags: dict[int, list[str]] = defaultdict(list)
    for instance_id, code in InstanceFlag.objects.filter(
        instance_id__in=list(served), cleared_at=None
    ).values_list("instance_id", "code"):
        flags[instance_id].append(code)
    table = releases()
    states: dict[int, ProgramInstancesState] = {}
    for instance_id, programs in served.items():
        status, version = latest.get(instance_id, (None, ""))
        support, _release = release_support(version, table, today)
        for program_id in programs:
            state = states.setdefault(program_id, ProgramInstancesState())
            state.instances += 1
            if status:
                state.polled += 1
                if state.worst_status is None or (
                    STATUS_SEVERITY[status] > STATUS_SEVERITY[state.worst_status]
                ):
                    state.worst_status = status
                state.down += status in DOWN_STATUSES
            state.flag_count += len(flags[instance_id])
            state.flag_codes.update(flags[instance_id])
            state.end_of_life += support == "end_of_life"
            state.ending_soon += support == "ending_soon"
    return states


@dataclass(frozen=True)
class InstanceAlert:
    program_id: int
    instance_id: int
    instance_label: str
    base_url: str
    code: str
    label: str
    detail: str
    raised_at: datetime.datetime
    still_raised: bool


def instance_alerts_for_digest(program_ids, since: datetime.datetime) -> dict[int, list]:
    """program id → the flags raised on its instances after `since` (down, Watchdog
    thresholds, end of life near or past), each (instance, flag) once however often it was
    raised in between, newest first. A flag that stays raised is not reported again by the
    next digest: it was raised before that digest's `since`. Three queries."""
    served = _program_map(program_ids)
    if not served:
        return {}
    flags = (
        InstanceFlag.objects.filter(instance_id__in=list(served), raised_at__gt=since)
        .select_related("instance")
        .only(
            "code",
            "detail",
            "raised_at",
            "cleared_at",
            "instance__label",
            "instance__base_url",
            "instance__kind",
        )
        .order_by("-raised_at", "-pk")
    )
    alerts: dict[int, list[InstanceAlert]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for flag in flags:
        if (flag.instance_id, flag.code) in seen:
            continue
        seen.add((flag.instance_id, flag.code))
        rule = FLAG_RULES.get(flag.code)
        for program_id in sorted(served[flag.instance_id]):
            alerts[program_id].append(
                InstanceAlert(
                    program_id=program_id,
                    instance_id=flag.instance_id,
                    instance_label=str(flag.instance),
                    base_url=flag.instance.base_url,
                    code=flag.code,
                    label=str(rule.label) if rule else flag.code,
                    detail=flag.detail,
                    raised_at=flag.raised_at,
                    still_raised=flag.cleared_at is None,
                )
            )
    return dict(alerts)


def latest_snapshot_json(*, instance: Instance) -> dict | None:
    """The latest snapshot of one instance as JSON-ready data (the `show` command)."""
    snapshot = Snapshot.objects.filter(instance=instance).order_by("-polled_at", "-pk").first()
    if snapshot is None:
        return None
    data = {
        f.name: getattr(snapshot, f.name)
        for f in Snapshot._meta.concrete_fields
        if f.name not in ("instance", "raw", "impact", "slot", "id")
    }
    data["polled_at"] = snapshot.polled_at.isoformat()
    if snapshot.tls_not_after:
        data["tls_not_after"] = snapshot.tls_not_after.isoformat()
    data["docs_per_gb"] = snapshot.docs_per_gb
    return data


@dataclass(frozen=True)
class ObservedDensity:
    """How many documents a live instance stores per GB of its database file."""

    instance_label: str
    documents_per_gb: int
    polled_at: datetime.datetime


def observed_documents_per_gb(*, program: Program) -> ObservedDensity | None:
    """The density observed on the program's production instance (or, without one, any of its
    instances) at its latest poll that reported sizes (CHT 4.12+): a calibration for the
    hosting estimate. Two queries."""
    instances = list(
        _instances_of([program.pk])
        .filter(latest_snapshot__medic_doc_count__gt=0, latest_snapshot__medic_file_bytes__gt=0)
        .select_related("latest_snapshot")
        .only(
            "label",
            "base_url",
            "kind",
            "latest_snapshot__medic_doc_count",
            "latest_snapshot__medic_file_bytes",
            "latest_snapshot__polled_at",
        )
    )
    if not instances:
        return None
    instances.sort(key=lambda instance: instance.kind != Kind.PRODUCTION)
    chosen = instances[0]
    snapshot = chosen.latest_snapshot
    return ObservedDensity(
        instance_label=chosen.label or chosen.base_url,
        documents_per_gb=snapshot.docs_per_gb,
        polled_at=snapshot.polled_at,
    )


# --- across the portfolio ---------------------------------------------------------------------

#: The portfolio's instance filters: "only" value → what the program's instances must show.
PORTFOLIO_INSTANCE_FILTERS = ("instances_down", "instances_flagged", "instances_eol")


def _serving(program_ref) -> QuerySet[Instance]:
    """The instances that serve a program (managed by it or shared with it)."""
    return Instance.objects.filter(Q(program=program_ref) | Q(shared_with=program_ref))


def _instance_conditions(program_ref) -> dict[str, Exists]:
    serving = _serving(program_ref)
    open_flags = InstanceFlag.objects.filter(instance=OuterRef("pk"), cleared_at=None)
    return {
        "instances_any": Exists(serving),
        "instances_down": Exists(serving.filter(latest_snapshot__status__in=DOWN_STATUSES)),
        "instances_flagged": Exists(serving.filter(Exists(open_flags))),
        # The end-of-life flag is raised by the poll from the release table (`release_support`).
        "instances_eol": Exists(serving.filter(Exists(open_flags.filter(code="end_of_life")))),
    }


def programs_with_instance_state(programs: QuerySet[Program]) -> QuerySet[Program]:
    """`programs` annotated with `instances_any`, `instances_down`, `instances_flagged` and
    `instances_eol` (booleans, computed in the same query)."""
    return programs.annotate(**_instance_conditions(OuterRef("pk")))


def programs_by_instance_state(programs: QuerySet[Program], only: str) -> QuerySet[Program]:
    """Only the programs whose instances are down / flagged / past end of life."""
    return programs.filter(_instance_conditions(OuterRef("pk"))[only])


@dataclass(frozen=True)
class PortfolioInstances:
    """The filtered programs' CHT instances: how many programs have one, are down, flagged,
    past end of life; connected users (7 days) ÷ users over their instances."""

    programs_with_instances: int
    down: int
    flagged: int
    end_of_life: int
    connected_7d: int | None
    users: int | None

    @property
    def engagement(self) -> float | None:
        if not self.users or self.connected_7d is None:
            return None
        return self.connected_7d / self.users


def portfolio_instance_totals(*, programs: QuerySet[Program]) -> PortfolioInstances:
    """Two queries, whatever the number of programs and instances."""
    conditions = _instance_conditions(OuterRef("pk"))
    # Each condition needs an instance: only the programs an instance serves are looked at (at
    # 10,000 programs, 4 subqueries each for every program took 57 ms).
    served = Q(pk__in=Instance.objects.values("program_id")) | Q(
        pk__in=Instance.shared_with.through.objects.values("program_id")
    )
    counts = (
        Program.objects.filter(pk__in=programs.order_by().values("pk"))
        .filter(served)
        .annotate(**conditions)
        .aggregate(
            with_instances=Count("pk", filter=Q(instances_any=True)),
            down=Count("pk", filter=Q(instances_down=True)),
            flagged=Count("pk", filter=Q(instances_flagged=True)),
            eol=Count("pk", filter=Q(instances_eol=True)),
        )
    )
    serving = Instance.objects.filter(
        Q(program__in=programs.order_by().values("pk"))
        | Q(shared_with__in=programs.order_by().values("pk"))
    ).values("pk")
    use = Instance.objects.filter(
        pk__in=serving,
        latest_snapshot__connected_users_7d__isnull=False,
        latest_snapshot__users_count__gt=0,
    ).aggregate(
        connected=Sum("latest_snapshot__connected_users_7d"),
        users=Sum("latest_snapshot__users_count"),
    )
    return PortfolioInstances(
        programs_with_instances=counts["with_instances"],
        down=counts["down"],
        flagged=counts["flagged"],
        end_of_life=counts["eol"],
        connected_7d=use["connected"],
        users=use["users"],
    )
