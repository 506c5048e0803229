"""`python manage.py seed_demo --programs N --seed S`: a deterministic, realistic demo portfolio.

Safe to run twice: users and organizations are matched by name, programs by slug. The data is
built by the `demo` package (people, programs, their past, plan and evidence): each program is
drawn first, then written in bulk (`demo.bulk`: the rows the services would write; the few
programs that enter closeout, whose report the stage's hook queues, go through the services),
or all through the services with `--through-services` (slowly, same rows). This command
parses the options, runs it and prints the demo logins."""

import random
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chtprograms.models import Program
from demo.bulk import BULK_CHUNK, demo_programs_bulk_create
from demo.people import DEMO_PASSWORD, DEMO_USERS, demo_users
from demo.plan_evidence import exchange_rates_set
from demo.programs import (
    demo_organizations,
    demo_program_create,
    program_draft,
)
from personas.models import PersonaRole


@contextmanager
def _query_log_off():
    """With DEBUG on, Django logs every query, and on SQLite quotes each one's parameters with
    one more query: a quarter of a long seeding run, for a log nobody reads. Off while seeding."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


class Command(BaseCommand):
    help = "Load a deterministic demo portfolio and one demo user per persona role."

    def add_arguments(self, parser):
        parser.add_argument("--programs", type=int, default=12, help="How many programs (12).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed (42).")
        parser.add_argument(
            "--no-lifecycle",
            action="store_true",
            help="Leave every program at initiation (for tests that drive the lifecycle).",
        )
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="Write every program through the services, not in bulk (slower, same rows).",
        )

    def handle(self, *args, programs: int, seed: int, **options):
        if not settings.SEED_DEMO_ALLOWED:  # production: the demo password is published
            raise CommandError("seed_demo does not run under production settings.")
        rng = random.Random(seed)  # noqa: S311 — demo data, not security
        with transaction.atomic():
            users = demo_users()
            organizations = demo_organizations()
            exchange_rates_set()
        today = timezone.localdate()
        no_lifecycle = options.get("no_lifecycle", False)
        # One query for the programs that already exist, not one per program.
        existing = set(Program.objects.values_list("slug", flat=True))
        drafts = []
        for index in range(programs):
            draft = program_draft(rng, index, seed=seed, today=today, past=not no_lifecycle)
            if draft.slug not in existing:
                existing.add(draft.slug)
                drafts.append(draft)
        through_services = options.get("through_services", False)
        with _query_log_off():
            if through_services:
                for draft in drafts:
                    demo_program_create(draft, users=users, organizations=organizations)
            bulk = [] if through_services else drafts
            for chunk in range(0, len(bulk), BULK_CHUNK):
                with transaction.atomic():
                    demo_programs_bulk_create(
                        bulk[chunk : chunk + BULK_CHUNK], users=users, organizations=organizations
                    )
        created = len(drafts)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {created} program(s) created, {Program.objects.count()} in all."
            )
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, kind in DEMO_USERS:
            label = dict(PersonaRole.choices).get(kind, kind.replace("_", " "))
            self.stdout.write(f"  {username:<11} {first} {last} — {label}")
