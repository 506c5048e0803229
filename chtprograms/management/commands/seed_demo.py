"""`python manage.py seed_demo --programs N --seed S`: a deterministic, realistic demo portfolio.

Safe to run twice: users and organizations are matched by name, programs by slug."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from chtprograms import services
from chtprograms.models import Consideration, Health, Organization, Program, ProgramType
from personas.models import PersonaRole
from personas.services import membership_add, portfolio_reviewer_set

DEMO_PASSWORD = "cht-demo-2026"  # noqa: S105 — documented demo password for local use only

#: (username, first name, last name, persona role or a special kind)
DEMO_USERS = [
    ("admin", "Site", "Administrator", "site_admin"),
    ("reviewer", "Rosa", "Reviewer", "reviewer"),
    ("head", "Amina", "Otieno", PersonaRole.PROGRAM_HEAD),
    ("progadmin", "Joseph", "Mwangi", PersonaRole.PROGRAM_ADMIN),
    ("designer", "Sita", "Gurung", PersonaRole.SERVICE_DESIGNER),
    ("ux", "Fatou", "Diallo", PersonaRole.UX_DESIGNER),
    ("developer", "Brian", "Okello", PersonaRole.SOFTWARE_DEVELOPER),
    ("sysadmin", "Kofi", "Mensah", PersonaRole.SYSTEM_ADMIN),
    ("support", "Aïssata", "Traoré", PersonaRole.TECHNICAL_SUPPORT),
    ("researcher", "Prakash", "Sharma", PersonaRole.RESEARCHER),
]

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


class Command(BaseCommand):
    help = "Load a deterministic demo portfolio and one demo user per persona role."

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=12, help="How many programs (12).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")

    def handle(self, *args, programs: int, seed: int, **options):
        rng = random.Random(seed)  # noqa: S311 — demo data, not security
        with transaction.atomic():
            users = self._users()
            organizations = self._organizations()
        created = 0
        for index in range(programs):
            if self._program(rng, index, users, organizations):
                created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} program(s) created, {Program.objects.count()} in all."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, kind in DEMO_USERS:
            label = dict(PersonaRole.choices).get(kind, kind.replace("_", " "))
            self.stdout.write(f"  {username:<11} {first} {last} — {label}")

    def _users(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        for username, first, last, kind in DEMO_USERS:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                if kind == "site_admin":
                    user.is_staff = user.is_superuser = True
                user.save()
            if kind == "reviewer":
                portfolio_reviewer_set(user=user)
            users[kind] = user
        return users

    def _organizations(self) -> dict[str, Organization]:
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
    def _program(self, rng: random.Random, index: int, users, organizations) -> bool:
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
        if Program.objects.filter(slug=slug).exists():
            return False
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
        return True


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
