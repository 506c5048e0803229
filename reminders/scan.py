"""The reminder scan: for a batch of people, what needs their attention today.

Reads only (like a selector), in a constant number of queries per batch whatever the number of
people, programs and activities in it: no query per person, program or activity. Rows are read
as tuples (`values_list`), not model instances, and a gate is evaluated only for the programs
whose required activities SQL finds all finished. The writes
(claiming a digest, storing its items, sending it) are in `reminders.services`.

What a person is reminded of, per program they are on (running programs only: a working stage,
not archived; never on hold, cancelled or closed; never a program they muted):
- activities assigned to them that are not finished, by `lifecycle.selectors.relevant_activities`:
  the program's current stage, due within their window or overdue, and the next stage's when
  due within their window (never a stage the program has left, nor one further ahead);
- heads and administrators: the current stage when its planned end has passed;
- whoever may decide the gate (the head, or site staff on the team): the gate waiting for a
  decision, when it is fully met or the stage's planned end has passed;
- documents that expire within their window or have expired: the ethics approval (heads,
  administrators, researchers), the data-sharing agreement (heads, administrators), the domain
  and the TLS certificate (heads, administrators, system administrators).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from chtprograms.selectors import consideration_statuses, data_sharing_agreements_expiring
from instances.golive.models import RESTORE_TEST_MAX_AGE
from instances.golive.selectors import restore_tests_aging
from instances.selectors import instance_alerts_for_digest, instances_expiring
from lifecycle import gates
from lifecycle.models import EthicsApproval, Lifecycle, StageActivity, StagePlan
from lifecycle.selectors import relevant_activities
from lifecycle.stages import WORK_STAGES, ActivityStatus
from personas.models import MANAGING_ROLES, PersonaRole
from personas.selectors import current_memberships
from reminders.models import Document, Notification, NotificationKind, instance_alert_subject

#: Who hears about which document, by persona role.
DOCUMENT_ROLES = {
    Document.ETHICS_APPROVAL: MANAGING_ROLES | {PersonaRole.RESEARCHER},
    Document.DATA_SHARING_AGREEMENT: MANAGING_ROLES,
    Document.DOMAIN: MANAGING_ROLES | {PersonaRole.SYSTEM_ADMIN},
    Document.TLS_CERTIFICATE: MANAGING_ROLES | {PersonaRole.SYSTEM_ADMIN},
    Document.RESTORE_TEST: MANAGING_ROLES | {PersonaRole.SYSTEM_ADMIN},
}
#: Items that stay true day after day until someone acts: told once, then again after
#: REPEAT_AFTER_DAYS (or at once when the stage or its planned end changes).
REPEATING_KINDS = (NotificationKind.STAGE_OVERDUE, NotificationKind.GATE_WAITING)
REPEAT_AFTER_DAYS = 7
KIND_ORDER = {
    NotificationKind.GATE_WAITING: 0,
    NotificationKind.STAGE_OVERDUE: 1,
    NotificationKind.ACTIVITY_OVERDUE: 2,
    NotificationKind.ACTIVITY_DUE: 3,
    NotificationKind.DOCUMENT_EXPIRING: 4,
    NotificationKind.INSTANCE_ALERT: 0,
}


@dataclass(frozen=True)
class Recipient:
    user_id: int
    today: datetime.date  # their local date
    days_ahead: int = 7
    is_staff: bool = False
    muted: frozenset[int] = frozenset()
    language: str = ""  # activity titles in French for "fr" (when the template has one)
    #: Instance alerts raised in the last this many days are news (7 for a weekly digest).
    alert_days: int = 1

    @property
    def horizon(self) -> datetime.date:
        return self.today + datetime.timedelta(days=self.days_ahead)


@dataclass(frozen=True)
class Item:
    """One thing to act on (becomes a Notification)."""

    kind: str
    program_id: int
    program_name: str
    subject: str  # an activity's title, a stage, or a Document value
    due_on: datetime.date | None
    url: str  # a path; the e-mail makes it absolute

    def urgency(self, today: datetime.date):
        """Sort key, most urgent first: the earliest date first (the longest overdue leads; a
        gate waiting counts from today at the latest), then by kind, program and subject."""
        when = self.due_on or today
        if self.kind == NotificationKind.GATE_WAITING:
            when = min(when, today)
        return (
            when,
            KIND_ORDER[self.kind],
            self.program_name.lower(),
            self.program_id,
            self.subject,
        )

    @property
    def repeat_key(self) -> tuple:
        """What makes a stage or gate item the same as one sent before: a new stage or a new
        planned end is news."""
        return (self.program_id, self.kind, self.subject, self.due_on)


@dataclass
class _Program:
    """One running program, as the scan needs it (plain values, no model instance)."""

    pk: int
    name: str
    slug: str
    program_type: str
    lifecycle_id: int
    stage: str
    held_from: str
    roles: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


def running_memberships(*, user_ids=None):
    """Current memberships in running programs (a working stage, not archived)."""
    return current_memberships(user_ids=user_ids).filter(
        program__archived_at__isnull=True, program__lifecycle__stage__in=WORK_STAGES
    )


def digest_candidates():
    """Active people on the team of at least one running program: (id, email, is_staff)."""
    on_a_team = running_memberships().filter(user_id=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(on_a_team), is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "is_staff")
    )


class _Paths:
    """The app's paths for a program, reversed once per scan (not once per item)."""

    SLUG = "slug-placeholder"

    def __init__(self):
        self.lifecycle = reverse("lifecycle:detail", args=[self.SLUG])
        self.considerations = reverse("chtprograms:considerations", args=[self.SLUG])
        self.instances = reverse("instances:list", args=[self.SLUG])
        self.golive = reverse("instances:golive", args=[self.SLUG])

    def lifecycle_url(self, slug: str, anchor: str, stage: str | None = None) -> str:
        url = self.lifecycle.replace(self.SLUG, slug)
        return url + (f"?stage={stage}" if stage else "") + anchor

    def document_url(self, slug: str, document: str) -> str:
        if document == Document.ETHICS_APPROVAL:
            return self.lifecycle_url(slug, "#ethics")
        if document == Document.DATA_SHARING_AGREEMENT:
            return self.considerations.replace(self.SLUG, slug) + "#data-sharing-agreement"
        if document == Document.RESTORE_TEST:
            return self.golive.replace(self.SLUG, slug)
        return self.instances.replace(self.SLUG, slug)


@dataclass(frozen=True)
class _Activity:
    """An activity as a gate's check reads it (a row, not a model instance)."""

    pk: int
    stage: str
    title: str
    required: bool
    status: str
    evidence_note: str


def _unfinished_required_in_current_stage():
    """A required activity of the program's current stage that cannot count as finished (not
    done, and not "not applicable" with a reason). SQL only rules programs out: the gate's own
    checks decide for the rest."""
    return StageActivity.objects.filter(
        program_id=OuterRef("program_id"),
        stage=OuterRef("stage"),
        required=True,
    ).exclude(
        Q(status=ActivityStatus.DONE)
        | (Q(status=ActivityStatus.NOT_APPLICABLE) & ~Q(evidence_note=""))
    )


def _gates_met(programs: dict[int, _Program], approvals: dict) -> set[int]:
    """The programs (among `programs`) whose current stage's gate is fully met.

    SQL first keeps the programs with no unfinished required activity in their current stage
    (one query, whatever their number); only those are evaluated by the registered criteria,
    with their facts loaded for all of them at once (`gates.preload_facts`)."""
    if not programs:
        return set()
    candidates = set(
        Lifecycle.objects.filter(program_id__in=list(programs))
        .exclude(Exists(_unfinished_required_in_current_stage()))
        .values_list("program_id", flat=True)
    )
    if not candidates:
        return set()
    activities: dict[int, list] = defaultdict(list)
    rows = StageActivity.objects.filter(
        program_id__in=list(candidates), stage__in={programs[pk].stage for pk in candidates}
    ).values_list("program_id", "pk", "stage", "title", "required", "status", "evidence_note")
    rows = rows.order_by("position", "pk")
    for program_id, *values in rows:
        if values[1] == programs[program_id].stage:
            activities[program_id].append(_Activity(*values))
    statuses = consideration_statuses(program_ids=candidates)
    contexts = {}
    for pk in candidates:
        entry = programs[pk]
        context = gates.GateContext(_gate_subject(entry), activities={entry.stage: activities[pk]})
        context.fact("considerations", lambda pk=pk: statuses.get(pk, {}))
        context.fact("ethics_approval", lambda pk=pk: approvals.get(pk))
        contexts[pk] = context
    # The facts of later criteria (e.g. the closeout gate's), one query each for all programs.
    gates.preload_facts(contexts.values())
    return {pk for pk, context in contexts.items() if _passes(context, programs[pk].stage)}


def _passes(context: gates.GateContext, stage: str) -> bool:
    """Every criterion of the gate is met (`gates.evaluate` without the links to fix them)."""
    criteria = gates.criteria_for(stage, context.program)
    for criterion in criteria:
        outcome = criterion.check(context)
        if not (outcome[0] if isinstance(outcome, tuple) else outcome):
            return False
    return bool(criteria)


def _gate_subject(entry: _Program) -> SimpleNamespace:
    """What a gate's criteria read of a lifecycle and its program, from the scanned values."""
    program = SimpleNamespace(
        pk=entry.pk, id=entry.pk, name=entry.name, slug=entry.slug, program_type=entry.program_type
    )
    return SimpleNamespace(
        pk=entry.lifecycle_id,
        id=entry.lifecycle_id,
        program=program,
        stage=entry.stage,
        held_from=entry.held_from,
    )


def scan(recipients: list[Recipient]) -> dict[int, list[Item]]:
    """user id → the items of their digest, most urgent first (`Item.urgency`)."""
    if not recipients:
        return {}
    by_id = {recipient.user_id: recipient for recipient in recipients}
    horizon = max(recipient.horizon for recipient in recipients)
    earliest = min(recipient.today for recipient in recipients)
    paths = _Paths()

    # 1. Who is on which running program, in which roles (with the program and its lifecycle).
    programs: dict[int, _Program] = {}
    memberships = (
        running_memberships(user_ids=by_id)
        .order_by()
        .values_list(
            "user_id",
            "role",
            "program_id",
            "program__name",
            "program__slug",
            "program__program_type",
            "program__lifecycle__id",
            "program__lifecycle__stage",
            "program__lifecycle__held_from",
        )
    )
    for user_id, role, program_id, *program_values in memberships:
        if program_id in by_id[user_id].muted:
            continue
        entry = programs.get(program_id)
        if entry is None:
            entry = programs[program_id] = _Program(program_id, *program_values)
        entry.roles[user_id].add(role)
    items: dict[int, list[Item]] = defaultdict(list)
    if not programs:
        return {}

    def add(user_id: int, entry: _Program, kind: str, subject: str, due_on, url: str) -> None:
        items[user_id].append(
            Item(
                kind=kind,
                program_id=entry.pk,
                program_name=entry.name,
                subject=subject,
                due_on=due_on,
                url=url,
            )
        )

    # 2. Their activities: the current stage's due within the widest window of the batch or
    # overdue, the next stage's due within it (one rule, `relevant_activities`).
    activities = (
        relevant_activities(
            StageActivity.objects.filter(
                assignee_id__in=list(by_id),
                program__archived_at__isnull=True,
            ),
            today=earliest,
            horizon=horizon,
        )
        .order_by()
        .values_list("pk", "program_id", "assignee_id", "stage", "title", "title_fr", "due_on")
    )
    for pk, program_id, assignee_id, stage, title, title_fr, due_on in activities:
        entry = programs.get(program_id)
        if entry is None or assignee_id not in entry.roles:
            continue  # muted, or not on the team
        recipient = by_id[assignee_id]
        if due_on > recipient.horizon:
            continue
        if stage != entry.stage and due_on < recipient.today:
            continue  # the next stage's: only what falls due within the window
        overdue = due_on < recipient.today  # only ever the current stage's
        add(
            assignee_id,
            entry,
            NotificationKind.ACTIVITY_OVERDUE if overdue else NotificationKind.ACTIVITY_DUE,
            title_fr if title_fr and recipient.language.startswith("fr") else title,
            due_on,
            paths.lifecycle_url(entry.slug, f"#activity-{pk}", stage),
        )

    # 3. Stages past their planned end (heads and administrators), gates waiting (deciders).
    def managers(entry):
        return [uid for uid, roles in entry.roles.items() if roles & MANAGING_ROLES]

    def deciders(entry):
        return [
            uid
            for uid, roles in entry.roles.items()
            if PersonaRole.PROGRAM_HEAD in roles or by_id[uid].is_staff
        ]

    watched = {pk: entry for pk, entry in programs.items() if managers(entry) or deciders(entry)}
    planned_end = _planned_ends(watched)
    gated = {pk: entry for pk, entry in watched.items() if deciders(entry)}
    approvals = {
        program_id: SimpleNamespace(
            program_id=program_id, expires_on=expires_on, approved_on=approved_on, reference=ref
        )
        for program_id, expires_on, approved_on, ref in EthicsApproval.objects.filter(
            program_id__in=list(programs)
        ).values_list("program_id", "expires_on", "approved_on", "reference")
    }
    # A gate whose stage is past its planned end waits for every decider anyway: evaluate the
    # others only.
    undecided = {
        pk: entry
        for pk, entry in gated.items()
        if not (
            planned_end.get(pk) is not None
            and all(planned_end[pk] < by_id[uid].today for uid in deciders(entry))
        )
    }
    met = _gates_met(undecided, approvals)
    for pk, entry in watched.items():
        end = planned_end.get(pk)
        for uid in managers(entry):
            if end is not None and end < by_id[uid].today:
                add(
                    uid,
                    entry,
                    NotificationKind.STAGE_OVERDUE,
                    entry.stage,
                    end,
                    paths.lifecycle_url(entry.slug, "#plan"),
                )
        for uid in deciders(entry) if pk in gated else ():
            if pk in met or (end is not None and end < by_id[uid].today):
                add(
                    uid,
                    entry,
                    NotificationKind.GATE_WAITING,
                    entry.stage,
                    end,
                    paths.lifecycle_url(entry.slug, "#gate"),
                )

    # 4. Documents that expire soon (or have expired).
    documents: list[tuple[int, str, datetime.date]] = [
        (approval.program_id, Document.ETHICS_APPROVAL, approval.expires_on)
        for approval in approvals.values()
        if approval.expires_on is not None and approval.expires_on <= horizon
    ]
    agreements = data_sharing_agreements_expiring(program_ids=programs, until=horizon)
    for program_id, expires_on in agreements.values_list("program_id", "expires_on"):
        documents.append((program_id, Document.DATA_SHARING_AGREEMENT, expires_on))
    instances = instances_expiring(program_ids=programs, until=horizon).values_list(
        "program_id", "domain_renews_on", "tls_expires_on", "tls_auto_renews"
    )
    for program_id, domain_renews_on, tls_expires_on, tls_auto_renews in instances:
        if domain_renews_on and domain_renews_on <= horizon:
            documents.append((program_id, Document.DOMAIN, domain_renews_on))
        if tls_expires_on and not tls_auto_renews and tls_expires_on <= horizon:
            documents.append((program_id, Document.TLS_CERTIFICATE, tls_expires_on))
    # A tested restore proves the backups for six months (the go-live readiness criterion).
    for program_id, tested_on in restore_tests_aging(program_ids=programs, until=horizon):
        documents.append((program_id, Document.RESTORE_TEST, tested_on + RESTORE_TEST_MAX_AGE))
    for program_id, document, expires_on in documents:
        entry = programs[program_id]
        for uid, roles in entry.roles.items():
            if roles & DOCUMENT_ROLES[document] and expires_on <= by_id[uid].horizon:
                add(
                    uid,
                    entry,
                    NotificationKind.DOCUMENT_EXPIRING,
                    document,
                    expires_on,
                    paths.document_url(entry.slug, document),
                )

    return {
        uid: sorted(found, key=lambda item: item.urgency(by_id[uid].today))
        for uid, found in items.items()
    }


def _planned_ends(programs: dict[int, _Program]) -> dict[int, datetime.date]:
    """program id → the planned end of its current stage (one query)."""
    if not programs:
        return {}
    rows = (
        StagePlan.objects.filter(
            lifecycle__program_id__in=list(programs),
            stage=F("lifecycle__stage"),
            planned_end__isnull=False,
        )
        .order_by()
        .values_list("lifecycle__program_id", "planned_end")
    )
    return dict(rows)


#: Who hears of a CHT instance's alerts (down, a Watchdog threshold, end of life near or past).
INSTANCE_ALERT_ROLES = frozenset(
    {
        PersonaRole.PROGRAM_HEAD,
        PersonaRole.PROGRAM_ADMIN,
        PersonaRole.SYSTEM_ADMIN,
        PersonaRole.TECHNICAL_SUPPORT,
    }
)


def instance_alert_items(
    recipients: list[Recipient], *, now: datetime.datetime | None = None
) -> dict[int, list[Item]]:
    """user id → the alerts raised on their programs' CHT instances within their window
    (`Recipient.alert_days`): each (instance, flag) once, in the digest after it was raised,
    not every day it stays raised. Four queries whatever the number of programs."""
    now = now or timezone.now()
    by_id = {recipient.user_id: recipient for recipient in recipients}
    if not by_id:
        return {}
    memberships = list(
        running_memberships(user_ids=by_id)
        .filter(role__in=INSTANCE_ALERT_ROLES)
        .values_list("user_id", "program_id", "program__name", "program__slug")
        .distinct()
    )
    memberships = [row for row in memberships if row[1] not in by_id[row[0]].muted]
    if not memberships:
        return {}
    widest = max(recipient.alert_days for recipient in recipients)
    alerts = instance_alerts_for_digest(
        {program_id for _uid, program_id, _name, _slug in memberships},
        since=now - datetime.timedelta(days=widest),
    )
    found: dict[int, list[Item]] = defaultdict(list)
    for uid, program_id, name, slug in memberships:
        since = now - datetime.timedelta(days=by_id[uid].alert_days)
        for alert in alerts.get(program_id, ()):
            if alert.raised_at <= since:
                continue
            found[uid].append(
                Item(
                    kind=NotificationKind.INSTANCE_ALERT,
                    program_id=program_id,
                    program_name=name,
                    subject=instance_alert_subject(alert.code, alert.instance_label),
                    due_on=timezone.localdate(alert.raised_at),
                    url=reverse("instances:list", args=[slug]),
                )
            )
    return dict(found)


def digest_items(
    recipients: list[Recipient], *, now: datetime.datetime | None = None
) -> dict[int, list[Item]]:
    """What each person's digest lists today: the scan, less the stage-overdue and gate-waiting
    items they were told of in the last REPEAT_AFTER_DAYS days (same program, stage and planned
    end, by the stored notifications of their earlier digests; one query per batch)."""
    found = scan(recipients)
    today_of = {recipient.user_id: recipient.today for recipient in recipients}
    for uid, alerts in instance_alert_items(recipients, now=now).items():
        found[uid] = sorted(
            [*found.get(uid, []), *alerts], key=lambda item, day=today_of[uid]: item.urgency(day)
        )
    if not found:
        return found
    by_id = {recipient.user_id: recipient for recipient in recipients}
    earliest = min(recipient.today for recipient in recipients)
    since = earliest - datetime.timedelta(days=REPEAT_AFTER_DAYS - 1)
    told: dict[int, dict[tuple, datetime.date]] = defaultdict(dict)
    rows = (
        Notification.objects.filter(
            person_id__in=list(found),
            kind__in=REPEATING_KINDS,
            # a bound the index on (person, created_at) can use; the period decides below
            created_at__gte=datetime.datetime.combine(
                since - datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
            ),
            dispatch__period__gte=since,
        )
        .order_by()
        .values_list("person_id", "program_id", "kind", "subject", "due_on", "dispatch__period")
    )
    for person_id, program_id, kind, subject, due_on, period in rows:
        key = (program_id, kind, subject, due_on)
        told[person_id][key] = max(period, told[person_id].get(key, period))

    def fresh(item: Item, recipient: Recipient) -> bool:
        if item.kind not in REPEATING_KINDS:
            return True
        last = told[recipient.user_id].get(item.repeat_key)
        return last is None or (recipient.today - last).days >= REPEAT_AFTER_DAYS

    kept = {
        uid: [item for item in items if fresh(item, by_id[uid])] for uid, items in found.items()
    }
    return {uid: items for uid, items in kept.items() if items}
