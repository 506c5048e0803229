"""The demo programs: drawn from a seeded generator (countries, themes, partners, team, plan)
and created through the services, each in its own transaction."""

import datetime
import random

from django.db import transaction
from django.utils.text import slugify

from chtprograms import services
from chtprograms.models import Consideration, Health, Organization, ProgramType
from personas.models import PersonaRole
from personas.services import membership_add

from .lifecycle_walk import CLOSEOUT_DEMO_PROGRAMS, lifecycle_walk
from .plan_evidence import plan_create, plan_values

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

PARTNERS = [
    ("Medic", Organization.Kind.STEWARD),
    ("Living Goods", Organization.Kind.NGO),
    ("Muso", Organization.Kind.NGO),
    ("Lwala Community Alliance", Organization.Kind.NGO),
    ("Nyaya Health Nepal", Organization.Kind.NGO),
    ("IntraHealth International", Organization.Kind.TECHNICAL_PARTNER),
    ("Integrate Health", Organization.Kind.TECHNICAL_PARTNER),
    ("Makerere University School of Public Health", Organization.Kind.RESEARCH),
    ("University of Nairobi", Organization.Kind.RESEARCH),
    ("Université de Bamako", Organization.Kind.RESEARCH),
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
    for name, kind in PARTNERS:
        organizations[name], _ = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind}
        )
    return organizations


@transaction.atomic
def demo_program_create(
    rng: random.Random,
    index: int,
    *,
    seed: int,
    users: dict,
    organizations: dict,
    existing: set[str],
    walk_lifecycle: bool = True,
) -> bool:
    """Draw the `index`-th demo program from `rng` and create it through the services, unless
    its slug is in `existing` (then nothing is written). True when it was created."""
    country = rng.choice(sorted(COUNTRIES))
    currency, regions, ministry = COUNTRIES[country]
    theme = rng.choice(THEMES)
    program_type = rng.choice(ProgramType.values)
    start = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
    end = start + datetime.timedelta(days=rng.choice([365, 540, 730, 1095]))
    name = f"{theme} — {COUNTRY_NAMES[country]} #{index + 1}"
    slug = f"{slugify(theme)[:40]}-{country.lower()}-{index + 1}"
    health = rng.choices(Health.values, weights=[6, 3, 1])[0]
    # Draw everything before the existence check so that each program's data depends only
    # on (seed, index), whatever already exists.
    partner_names = rng.sample([name for name, _kind in PARTNERS], k=rng.randint(1, 3))
    roles = [rng.choice(PARTNER_ROLES) for _ in partner_names]
    statuses = [rng.choice(Consideration.Status.values) for _ in range(6)]
    risks = [rng.choice(Consideration.Risk.values) for _ in range(6)]
    ticks = [rng.random() for _ in range(40)]
    team_roles = rng.sample(
        [role for role in PersonaRole.values if role != PersonaRole.PROGRAM_HEAD],
        k=rng.randint(3, 6),
    )
    program_regions = rng.sample(regions, k=min(2, len(regions)))
    # Plan and evidence come from their own generator, so adding them did not change the
    # programs drawn above for a given seed.
    plan = plan_values(
        random.Random(f"{seed}:{index}:plan"),  # noqa: S311 — demo data
        start=start,
        end=end,
        currency=currency,
    )
    if slug in existing:
        return False
    existing.add(slug)
    lead = organizations[ministry if program_type != ProgramType.RESEARCH else partner_names[0]]
    partners = [
        (organizations[partner], role)
        for partner, role in zip(partner_names, roles, strict=True)
        if organizations[partner] != lead
    ]
    program = services.program_create(
        head=users[PersonaRole.PROGRAM_HEAD],
        partners=partners,
        name=name,
        slug=slug,
        program_type=program_type,
        country=country,
        regions="\n".join(program_regions),
        lead_organization=lead,
        planned_start=start,
        planned_end=end,
        currency=currency,
        goals=f"Give community health workers a CHT app for {theme.lower()}.",
        summary=f"{theme} with {lead.name}, covering {len(regions)} regions.",
    )
    for role in team_roles:
        if role in users:
            membership_add(program=program, user=users[role], role=role)
    considerations = program.considerations.prefetch_related("items").order_by("id")
    tick = iter(ticks)
    for consideration, status, risk in zip(considerations, statuses, risks, strict=True):
        services.consideration_update(
            consideration=consideration,
            status=status,
            risk=risk,
            owner=users[PersonaRole.PROGRAM_ADMIN],
            notes="",
        )
        for item in consideration.items.all():
            done = status == Consideration.Status.ADDRESSED or (
                status == Consideration.Status.IN_PROGRESS and next(tick, 1.0) < 0.5
            )
            if done:
                services.consideration_item_update(item=item, done=True, note="")
    if health != Health.ON_TRACK:
        services.program_health_record(
            program=program,
            by=users[PersonaRole.PROGRAM_HEAD],
            status=health,
            note="Device procurement is late." if health == Health.AT_RISK else "Funding gap.",
        )
    plan_create(program, plan, users)
    if walk_lifecycle:
        lifecycle_walk(
            program,
            random.Random(f"{seed}:{index}:stage"),  # noqa: S311 — demo data
            head=users[PersonaRole.PROGRAM_HEAD],
            may_close_out=index < CLOSEOUT_DEMO_PROGRAMS,
        )
    return True
