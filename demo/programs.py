"""The demo programs: each drawn up front from a seeded generator (`program_draft`: country,
theme, partners, team, considerations, plan and its past), then written either through the
services with the time each step happened (`demo_program_create`, here) or in bulk
(`demo.bulk`), with the same result."""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from chtprograms import services
from chtprograms.considerations import DEFAULT_CHECKLISTS, Area
from chtprograms.models import Consideration, Health, Organization, ProgramType
from lifecycle import gates
from lifecycle.activity_services import activity_update, ethics_approval_record
from lifecycle.services import lifecycle_advance, lifecycle_cancel, lifecycle_hold
from lifecycle.stages import Stage, TransitionName
from personas.models import PersonaRole
from personas.services import membership_add

from .history import WAIVE_NOTE, History, activity_outcomes, history_draw, reaches
from .plan_evidence import plan_create, plan_values

#: Only the first few demo programs may reach closeout: each one queues a closeout report for
#: the worker, and a large demo portfolio should not queue hundreds of PDFs. These go through
#: the services (the closeout report is queued by the stage's hook); the others may be bulk
#: written.
CLOSEOUT_DEMO_PROGRAMS = 40

#: Without their past, programs are planned and spent as if today were this day, whatever the
#: date (tests that drive the lifecycle move the clock themselves).
UNDATED_AS_OF = datetime.date(2026, 10, 31)

ETHICS_NOTE = "Protocol approved by the national ethics review committee."

#: country code → (currency, regions, ministry name)
COUNTRIES = {
    "KE": ("KES", ["Siaya", "Kisumu", "Busia", "Migori"], "Ministry of Health, Kenya"),
    "UG": ("UGX", ["Arua", "Kasese", "Kampala", "Gulu"], "Ministry of Health, Uganda"),
    "NP": (
        "NPR",
        ["Achham", "Dolakha", "Kailali", "Jumla"],
        "Ministry of Health and Population, Nepal",
    ),
    "ML": ("XOF", ["Bamako", "Koulikoro", "Sikasso", "Ségou"], "Ministère de la Santé, Mali"),
    "TG": ("XOF", ["Kara", "Savanes", "Plateaux", "Maritime"], "Ministère de la Santé, Togo"),
    "TZ": ("TZS", ["Morogoro", "Mwanza", "Kigoma"], "Ministry of Health, Tanzania"),
    "MW": ("MWK", ["Lilongwe", "Zomba", "Mzimba"], "Ministry of Health, Malawi"),
    "BF": ("XOF", ["Hauts-Bassins", "Centre-Est", "Sahel"], "Ministère de la Santé, Burkina Faso"),
}

#: (name, kind, the countries it works in; empty: everywhere)
PARTNERS = [
    ("Medic", Organization.Kind.STEWARD, ()),
    ("Living Goods", Organization.Kind.NGO, ("KE", "UG")),
    ("Muso", Organization.Kind.NGO, ("ML",)),
    ("Lwala Community Alliance", Organization.Kind.NGO, ("KE",)),
    ("Nyaya Health Nepal", Organization.Kind.NGO, ("NP",)),
    ("IntraHealth International", Organization.Kind.TECHNICAL_PARTNER, ()),
    ("Integrate Health", Organization.Kind.TECHNICAL_PARTNER, ("TG",)),
    ("Makerere University School of Public Health", Organization.Kind.RESEARCH, ("UG",)),
    ("University of Nairobi", Organization.Kind.RESEARCH, ("KE",)),
    ("Université de Bamako", Organization.Kind.RESEARCH, ("ML",)),
]

THEMES = [
    "CHV maternal and newborn care",
    "Integrated community case management",
    "Family planning outreach",
    "Immunization tracing",
    "Tuberculosis contact tracing",
    "Malnutrition screening",
    "Community-based surveillance",
    "HIV adherence support",
    "Malaria test-and-treat",
    "Household visits for NCDs",
]

PARTNER_ROLES = ["funder", "implementing partner", "technical steward", "research partner"]

COUNTRY_NAMES = {
    "KE": "Kenya",
    "UG": "Uganda",
    "NP": "Nepal",
    "ML": "Mali",
    "TG": "Togo",
    "TZ": "Tanzania",
    "MW": "Malawi",
    "BF": "Burkina Faso",
}


def demo_organizations() -> dict[str, Organization]:
    """The ministries and partners of the demo (matched by name): name → organization."""
    organizations = {}
    for code, (_currency, _regions, ministry) in COUNTRIES.items():
        organizations[ministry], _ = Organization.objects.get_or_create(
            name=ministry, defaults={"kind": Organization.Kind.MINISTRY, "country": code}
        )
    for name, kind, countries in PARTNERS:
        organizations[name], _ = Organization.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "country": countries[0] if len(countries) == 1 else ""},
        )
    return organizations


@dataclass
class ProgramDraft:
    """Everything about one demo program, drawn before anything is written."""

    index: int
    slug: str
    fields: dict  # the program's own fields, for `program_create`
    lead: str  # organization names
    partners: list[tuple[str, str]]
    team_roles: list[str]
    #: per area, in `Area` order: (status, risk, notes, which checklist items are done)
    considerations: list[tuple[str, str, str, list[bool]]]
    health: str
    health_note: str
    plan: dict
    history: History | None  # None: the program starts today and stays at initiation
    ethics: dict | None  # the ethics approval's fields, for a research program past hosting


def _checklist(rng: random.Random, status: str, count: int) -> list[bool]:
    """Which items are ticked: all of an addressed area, none of one not started, and some but
    not all of one in progress (so the checklist agrees with the area's status)."""
    if status == Consideration.Status.ADDRESSED:
        return [True] * count
    if status == Consideration.Status.NOT_STARTED or count < 2:
        return [False] * count
    done = set(rng.sample(range(count), k=rng.randint(1, count - 1)))
    return [position in done for position in range(count)]


def program_draft(
    rng: random.Random, index: int, *, seed: int, today: datetime.date, past: bool = True
) -> ProgramDraft:
    """Draw the `index`-th demo program from `rng` (each program's values depend only on
    (seed, index) and today's date). Without its `past`, the program is planned to start
    between January 2025 and mid-2027 whatever the date, and stays at initiation (for tests
    that drive the lifecycle themselves)."""
    country = rng.choice(sorted(COUNTRIES))
    currency, regions, ministry = COUNTRIES[country]
    theme = rng.choice(THEMES)
    program_type = rng.choice(ProgramType.values)
    fixed_start = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
    span = rng.choice([365, 540, 730, 1095])
    name = f"{theme} — {COUNTRY_NAMES[country]} #{index + 1}"
    slug = f"{slugify(theme)[:40]}-{country.lower()}-{index + 1}"
    health = rng.choices(Health.values, weights=[6, 3, 1])[0]
    local = [name for name, _kind, countries in PARTNERS if not countries or country in countries]
    partner_names = rng.sample(local, k=rng.randint(1, min(3, len(local))))
    roles = [rng.choice(PARTNER_ROLES) for _ in partner_names]
    statuses = [rng.choice(Consideration.Status.values) for _ in Area.values]
    risks = [rng.choice(Consideration.Risk.values) for _ in Area.values]
    team_roles = rng.sample(
        [role for role in PersonaRole.values if role != PersonaRole.PROGRAM_HEAD],
        k=rng.randint(3, 6),
    )
    program_regions = rng.sample(regions, k=min(2, len(regions)))
    history = history_draw(
        random.Random(f"{seed}:{index}:stage"),  # noqa: S311 — demo data
        today=today,
        span_days=span,
        may_close_out=index < CLOSEOUT_DEMO_PROGRAMS,
        activity_seed=f"{seed}:{index}:activities",
    )
    start = history.start if past else fixed_start
    end = start + datetime.timedelta(days=span)
    # Plan and evidence come from their own generator, so adding them did not change the
    # programs drawn above for a given seed.
    plan = plan_values(
        random.Random(f"{seed}:{index}:plan"),  # noqa: S311 — demo data
        start=start,
        end=end,
        currency=currency,
        today=today if past else UNDATED_AS_OF,
    )
    research_lead = [
        name
        for name, kind, countries in PARTNERS
        if kind == Organization.Kind.RESEARCH and country in countries
    ]
    lead = research_lead[0] if program_type == ProgramType.RESEARCH and research_lead else ministry
    notes = [""] * len(Area.values)
    ethics = None
    if past and program_type == ProgramType.RESEARCH and reaches(history, Stage.IMPLEMENTATION):
        # A research program cannot enter implementation without its ethics approval.
        area = Area.values.index(Area.ETHICS)
        statuses[area], risks[area] = Consideration.Status.ADDRESSED, Consideration.Risk.MEDIUM
        notes[area] = ETHICS_NOTE
        ethics = {
            "approved_on": start + datetime.timedelta(days=rng.randint(7, 30)),
            "reference": f"NEC/{start.year}/{index + 1:04d}",
            "approving_body": "National ethics review committee",
            "expires_on": max(end, today + datetime.timedelta(days=365)),
        }
    checklists = [
        _checklist(rng, status, len(DEFAULT_CHECKLISTS[area]))
        for area, status in zip(Area.values, statuses, strict=True)
    ]
    return ProgramDraft(
        index=index,
        slug=slug,
        fields={
            "name": name,
            "slug": slug,
            "program_type": program_type,
            "country": country,
            "regions": "\n".join(program_regions),
            "planned_start": start,
            "planned_end": end,
            "currency": currency,
            "goals": f"Give community health workers a CHT app for {theme.lower()}.",
            "summary": f"{theme} with {lead}, covering {len(regions)} regions.",
        },
        lead=lead,
        partners=[
            (partner, role)
            for partner, role in zip(partner_names, roles, strict=True)
            if partner != lead
        ],
        team_roles=team_roles,
        considerations=list(zip(statuses, risks, notes, checklists, strict=True)),
        health=health,
        health_note={
            Health.AT_RISK: "Device procurement is late.",
            Health.OFF_TRACK: "Funding gap.",
        }.get(health, ""),
        plan=plan,
        history=history if past else None,
        ethics=ethics,
    )


@transaction.atomic
def demo_program_create(draft: ProgramDraft, *, users: dict, organizations: dict):
    """Write a drafted demo program through the services, each step at the time it happened:
    the program and its team, considerations, health, plan and evidence, then its activities
    and transitions in the order they happened (unmet gate criteria are waived with a note:
    the demo data does not fake finished work)."""
    head = users[PersonaRole.PROGRAM_HEAD]
    history = draft.history
    program = services.program_create(
        head=head,
        partners=[(organizations[name], role) for name, role in draft.partners],
        lead_organization=organizations[draft.lead],
        at=history.created_at if history else None,
        **draft.fields,
    )
    for role in draft.team_roles:
        if role in users:
            since = history.start if history else None
            membership_add(program=program, user=users[role], role=role, since=since)
    considerations = program.considerations.prefetch_related("items").order_by("id")
    for consideration, (status, risk, notes, ticks) in zip(
        considerations, draft.considerations, strict=True
    ):
        services.consideration_update(
            consideration=consideration,
            status=status,
            risk=risk,
            owner=users[PersonaRole.PROGRAM_ADMIN],
            notes=notes,
        )
        items = sorted(consideration.items.all(), key=lambda item: (item.position, item.pk))
        for item, done in zip(items, ticks, strict=True):
            if done:
                services.consideration_item_update(item=item, done=True, note="")
    if draft.health != Health.ON_TRACK:
        services.program_health_record(
            program=program, by=head, status=draft.health, note=draft.health_note
        )
    plan_create(program, draft.plan, users)
    if draft.ethics:
        ethics_approval_record(program=program, by=head, **draft.ethics)
    if history is None:
        return program
    activities = list(program.stage_activities.order_by("position", "id"))
    outcomes = activity_outcomes(history, activities, now=timezone.now())
    events = [
        (outcome.completed_at, 0, activity, outcome)
        for activity, outcome in zip(activities, outcomes, strict=True)
        if outcome.completed_at is not None
    ] + [(step.at, 1, None, step) for step in history.steps]
    lifecycle = program.lifecycle
    for _at, _kind, activity, event in sorted(events, key=lambda event: event[:2]):
        if activity is not None:
            activity_update(
                activity=activity,
                by=head,
                status=event.status,
                evidence_note=event.evidence_note,
                at=event.completed_at,
            )
        elif event.transition == TransitionName.ADVANCE:
            unmet = [result.id for result in gates.evaluate(lifecycle) if not result.met]
            lifecycle_advance(
                lifecycle=lifecycle,
                by=head,
                waive=unmet,
                note=WAIVE_NOTE if unmet else "",
                at=event.at,
            )
        elif event.transition == TransitionName.HOLD:
            lifecycle_hold(lifecycle=lifecycle, by=head, note=event.note, at=event.at)
        else:
            lifecycle_cancel(lifecycle=lifecycle, by=head, note=event.note, at=event.at)
    for activity, outcome in zip(activities, outcomes, strict=True):
        if outcome.completed_at is None and outcome.status != activity.status:
            activity_update(activity=activity, by=head, status=outcome.status)
    return program
