"""The reminder scan: for a batch of people, what needs their attention today.

Reads only (like a selector), in a constant number of queries per batch whatever the number of
people, programs and activities in it: no query per person, program or activity. The writes
(claiming a digest, storing its items, sending it) are in `reminders.services`.

What a person is reminded of, per program they are on (running programs only: a working stage,
not archived; never on hold, cancelled or closed; never a program they muted):
- activities assigned to them that are not finished and are due within their window or overdue
  (stages the program has already left are not reminded);
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

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse

from chtprograms.selectors import consideration_statuses, data_sharing_agreements_expiring
from instances.selectors import instances_expiring
from lifecycle import gates
from lifecycle.models import EthicsApproval, StageActivity, StagePlan
from lifecycle.stages import FINISHED_STATUSES, WORK_STAGES, stage_index
from personas.models import MANAGING_ROLES, PersonaRole
from personas.selectors import current_memberships
from reminders.models import Document, NotificationKind

#: Who hears about which document, by persona role.
DOCUMENT_ROLES = {
    Document.ETHICS_APPROVAL: MANAGING_ROLES | {PersonaRole.RESEARCHER},
    Document.DATA_SHARING_AGREEMENT: MANAGING_ROLES,
    Document.DOMAIN: MANAGING_ROLES | {PersonaRole.SYSTEM_ADMIN},
    Document.TLS_CERTIFICATE: MANAGING_ROLES | {PersonaRole.SYSTEM_ADMIN},
}
KIND_ORDER = {
    NotificationKind.GATE_WAITING: 0,
    NotificationKind.STAGE_OVERDUE: 1,
    NotificationKind.ACTIVITY_OVERDUE: 2,
    NotificationKind.ACTIVITY_DUE: 3,
    NotificationKind.DOCUMENT_EXPIRING: 4,
}


@dataclass(frozen=True)
class Recipient:
    user_id: int
    today: datetime.date  # their local date
    days_ahead: int = 7
    is_staff: bool = False
    muted: frozenset[int] = frozenset()

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

    @property
    def sort_key(self):
        return (
            self.program_name.lower(),
            self.program_id,
            KIND_ORDER[self.kind],
            self.due_on or datetime.date.max,
            self.subject,
        )


@dataclass
class _Program:
    program: object
    lifecycle: object
    roles: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def stage(self) -> str:
        return self.lifecycle.stage


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


def _lifecycle_url(program, anchor: str, stage: str | None = None) -> str:
    url = reverse("lifecycle:detail", args=[program.slug])
    return url + (f"?stage={stage}" if stage else "") + anchor


def _document_url(program, document: str) -> str:
    if document == Document.ETHICS_APPROVAL:
        return _lifecycle_url(program, "#ethics")
    if document == Document.DATA_SHARING_AGREEMENT:
        return (
            reverse("chtprograms:considerations", args=[program.slug]) + "#data-sharing-agreement"
        )
    return reverse("instances:list", args=[program.slug])


def _gates_met(programs: dict[int, _Program], approvals: dict) -> set[int]:
    """The programs (among `programs`) whose current stage's gate is fully met.

    Facts are loaded for all of them at once (the stage's activities, the considerations; the
    ethics approvals come from the caller) and handed to each gate's `GateContext`; only
    programs whose required activities are all finished are evaluated further."""
    if not programs:
        return set()
    activities: dict[int, list] = defaultdict(list)
    stage_of = {pk: entry.stage for pk, entry in programs.items()}
    rows = StageActivity.objects.filter(
        program_id__in=list(programs), stage__in=set(stage_of.values())
    ).only("program_id", "stage", "required", "status", "evidence_note")
    for activity in rows:
        if activity.stage == stage_of[activity.program_id]:
            activities[activity.program_id].append(activity)
    candidates = {
        pk
        for pk in programs
        if all(a.status in FINISHED_STATUSES for a in activities[pk] if a.required)
    }
    if not candidates:
        return set()
    statuses = consideration_statuses(program_ids=candidates)
    contexts = {}
    for pk in candidates:
        entry = programs[pk]
        context = gates.GateContext(entry.lifecycle, activities={entry.stage: activities[pk]})
        context.fact("considerations", lambda pk=pk: statuses.get(pk, {}))
        context.fact("ethics_approval", lambda pk=pk: approvals.get(pk))
        contexts[pk] = context
    # The facts of later criteria (e.g. the closeout gate's), one query each for all programs.
    gates.preload_facts(contexts.values())
    met = set()
    for pk, context in contexts.items():
        entry = programs[pk]
        results = gates.evaluate(entry.lifecycle, entry.stage, context=context)
        if results and not gates.unmet(results):
            met.add(pk)
    return met


def scan(recipients: list[Recipient]) -> dict[int, list[Item]]:
    """user id → the items of their digest (sorted: by program, then by urgency)."""
    if not recipients:
        return {}
    by_id = {recipient.user_id: recipient for recipient in recipients}
    horizon = max(recipient.horizon for recipient in recipients)

    # 1. Who is on which running program, in which roles (with the program and its lifecycle).
    programs: dict[int, _Program] = {}
    memberships = running_memberships(user_ids=by_id).select_related("program__lifecycle")
    for membership in memberships:
        program = membership.program
        if program.pk in by_id[membership.user_id].muted:
            continue
        entry = programs.get(program.pk)
        if entry is None:
            entry = programs[program.pk] = _Program(program=program, lifecycle=program.lifecycle)
        entry.roles[membership.user_id].add(membership.role)
    items: dict[int, list[Item]] = defaultdict(list)
    if not programs:
        return {}

    def add(user_id: int, entry: _Program, kind: str, subject: str, due_on, url: str) -> None:
        items[user_id].append(
            Item(
                kind=kind,
                program_id=entry.program.pk,
                program_name=entry.program.name,
                subject=subject,
                due_on=due_on,
                url=url,
            )
        )

    # 2. Their activities, due within the widest window of the batch or overdue.
    activities = StageActivity.objects.filter(
        assignee_id__in=list(by_id),
        program_id__in=list(programs),
        due_on__isnull=False,
        due_on__lte=horizon,
    ).exclude(status__in=FINISHED_STATUSES)
    for activity in activities.only("pk", "program_id", "assignee_id", "stage", "title", "due_on"):
        entry = programs[activity.program_id]
        recipient = by_id[activity.assignee_id]
        if activity.assignee_id not in entry.roles:
            continue  # muted, or no longer on the team
        if stage_index(activity.stage) < stage_index(entry.stage):
            continue  # a stage the program has left
        if activity.due_on > recipient.horizon:
            continue
        overdue = activity.due_on < recipient.today
        add(
            activity.assignee_id,
            entry,
            NotificationKind.ACTIVITY_OVERDUE if overdue else NotificationKind.ACTIVITY_DUE,
            activity.title,
            activity.due_on,
            _lifecycle_url(entry.program, f"#activity-{activity.pk}", activity.stage),
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
    planned_end = {
        (lifecycle_id, stage): end
        for lifecycle_id, stage, end in StagePlan.objects.filter(
            lifecycle__program_id__in=list(watched)
        ).values_list("lifecycle_id", "stage", "planned_end")
    }
    gated = {pk: entry for pk, entry in watched.items() if deciders(entry)}
    approvals = {
        approval.program_id: approval
        for approval in EthicsApproval.objects.filter(program_id__in=list(programs))
    }
    met = _gates_met(gated, approvals)
    for pk, entry in watched.items():
        end = planned_end.get((entry.lifecycle.pk, entry.stage))
        for uid in managers(entry):
            if end is not None and end < by_id[uid].today:
                add(
                    uid,
                    entry,
                    NotificationKind.STAGE_OVERDUE,
                    entry.stage,
                    end,
                    _lifecycle_url(entry.program, "#plan"),
                )
        for uid in deciders(entry) if pk in gated else ():
            if pk in met or (end is not None and end < by_id[uid].today):
                add(
                    uid,
                    entry,
                    NotificationKind.GATE_WAITING,
                    entry.stage,
                    end,
                    _lifecycle_url(entry.program, "#gate"),
                )

    # 4. Documents that expire soon (or have expired).
    documents: list[tuple[int, str, datetime.date]] = [
        (approval.program_id, Document.ETHICS_APPROVAL, approval.expires_on)
        for approval in approvals.values()
        if approval.expires_on is not None and approval.expires_on <= horizon
    ]
    for agreement in data_sharing_agreements_expiring(program_ids=programs, until=horizon):
        documents.append(
            (agreement.program_id, Document.DATA_SHARING_AGREEMENT, agreement.expires_on)
        )
    for instance in instances_expiring(program_ids=programs, until=horizon):
        if instance.domain_renews_on and instance.domain_renews_on <= horizon:
            documents.append((instance.program_id, Document.DOMAIN, instance.domain_renews_on))
        if (
            instance.tls_expires_on
            and not instance.tls_auto_renews
            and instance.tls_expires_on <= horizon
        ):
            documents.append(
                (instance.program_id, Document.TLS_CERTIFICATE, instance.tls_expires_on)
            )
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
                    _document_url(entry.program, document),
                )

    return {uid: sorted(found, key=lambda item: item.sort_key) for uid, found in items.items()}
