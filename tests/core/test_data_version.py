"""The data version: every write to the records the cached pages show moves it on, by any
route (a service, a queryset `update()`, a bulk insert, a delete, a many-to-many link), reading
does not; so the cached pages (the dashboard, the program list) equal ones worked out afresh
after any writes."""

import contextlib
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chtprograms.models import Organization, Program
from chtprograms.services import program_archive, program_health_record, program_unarchive
from core.data_version import (
    data_version,
    install_triggers,
    tables_with_trigger,
    watched_tables,
)
from lifecycle import gates
from lifecycle.models import Lifecycle, StageActivity
from lifecycle.services import lifecycle_advance, lifecycle_hold, lifecycle_resume
from personas.services import membership_add
from plan.budget.models import BudgetLine, Expenditure
from plan.budget.services import budget_line_create, exchange_rate_set, expenditure_create
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db


def test_every_table_the_portfolio_reads_carries_the_trigger():
    tables = set(watched_tables())
    assert {"chtprograms_program", "lifecycle_stageactivity", "personas_membership"} <= tables
    assert "chtprograms_budgetline" in tables and "instances_instance_shared_with" in tables
    assert tables - tables_with_trigger() == set()


def test_each_kind_of_write_moves_the_version_and_reading_does_not(client):
    program = ProgramFactory()
    line = budget_line_create(
        program=program, category="devices", stage="", name="Phones", forecast_amount=Decimal(10)
    )
    seen = [data_version()]

    def moved() -> bool:
        seen.append(data_version())
        return seen[-1] > seen[-2]

    client.force_login(reviewer())
    client.get(reverse("portfolio:dashboard"))
    client.get(reverse("portfolio:dashboard") + "?country=KE")
    assert not moved()
    Program.objects.filter(pk=program.pk).update(health="off_track")
    assert moved()
    Expenditure.objects.bulk_create(
        [Expenditure(line=line, date=datetime.date(2026, 1, 1), amount=Decimal(1))]
    )
    assert moved()
    Expenditure.objects.filter(line=line).delete()
    assert moved()
    program.partners.add(Organization.objects.create(name="Partner", kind="ngo"))
    assert moved()
    exchange_rate_set(currency="KES", effective_date=datetime.date(2026, 1, 1), units_per_usd=130)
    assert moved()


def test_the_rebuild_command_puts_triggers_back_and_moves_the_version():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER data_version_bump ON chtprograms_program")
        else:
            cursor.execute('DROP TRIGGER "data_version_chtprograms_program_update"')
    assert "chtprograms_program" not in tables_with_trigger()
    before = data_version()
    call_command("rebuild_portfolio_summary", stdout=StringIO())
    assert "chtprograms_program" in tables_with_trigger()
    assert data_version() > before


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_with_the_commit_not_before(settings):
    """As in production: on PostgreSQL the trigger runs at commit; SQLite moves it at once
    (it has one writer at a time, so nothing waits behind the counter)."""
    settings.DATA_VERSION_AT_COMMIT = True
    install_triggers()
    try:
        program = ProgramFactory()
        before = data_version()
        with transaction.atomic():
            Program.objects.filter(pk=program.pk).update(health="off_track")
            Program.objects.filter(pk=program.pk).update(health="at_risk")
            inside = data_version()
        if connection.vendor == "postgresql":  # once, with the commit
            assert (inside, data_version()) == (before, before + 1)
        else:  # at each row written
            assert (inside, data_version()) == (before + 2, before + 2)
        moved = data_version()
        with contextlib.suppress(RuntimeError), transaction.atomic():
            Program.objects.filter(pk=program.pk).update(health="on_track")
            raise RuntimeError  # rolled back: not counted
        assert data_version() == moved
        Program.objects.filter(pk=program.pk).update(health="on_track")  # a transaction of its own
        assert data_version() == moved + 1
    finally:
        settings.DATA_VERSION_AT_COMMIT = False
        install_triggers()


# --- the cached page after random writes -------------------------------------------------------

WRITES = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "health",
                "line",
                "spend",
                "rate",
                "activity",
                "advance",
                "hold",
                "resume",
                "join",
                "archive",
                "unarchive",
            ]
        ),  # fmt: skip
        st.integers(min_value=0, max_value=2),  # which program
        st.integers(min_value=1, max_value=900),  # an amount, a day offset
    ),
    min_size=1,
    max_size=6,
)
#: The cached pages, each with queries that show different parts of the records.
PAGES = {
    "portfolio:dashboard": ("", "?only=overdue&sort=-spent&budget_by=type"),
    "chtprograms:program-list": ("?archived=1&sort=-health",),
    "chtprograms:home": ("",),
}


def write(kind: str, program: Program, head, member, number: int) -> None:
    """One change through the services; refused ones change nothing, as for a person."""
    lifecycle = Lifecycle.objects.get(program=program)
    waive = [result.id for result in gates.unmet(gates.evaluate(lifecycle))]
    day = datetime.date(2026, 1, 1) + datetime.timedelta(days=number)
    with contextlib.suppress(ValidationError, PermissionDenied):
        if kind == "health":
            status = ["on_track", "at_risk", "off_track"][number % 3]
            program_health_record(program=program, by=head, status=status, note="Checked")
        elif kind == "line":
            amount = Decimal(number * 100)
            budget_line_create(program=program, category="devices", stage="",
                               name=f"Line {number}", forecast_amount=amount)  # fmt: skip
        elif kind == "spend":
            line = BudgetLine.objects.filter(program=program).first()
            if line:
                expenditure_create(program=program, line=line, date=day, amount=Decimal(number))
        elif kind == "rate":
            exchange_rate_set(currency=program.currency, effective_date=day,
                              units_per_usd=Decimal(number))  # fmt: skip
        elif kind == "activity":
            activity = StageActivity.objects.filter(program=program).order_by("pk").first()
            activity.due_on = day
            activity.save(update_fields=["due_on"])
        elif kind == "advance":
            lifecycle_advance(lifecycle=lifecycle, by=head, note="Waived for the test", waive=waive)
        elif kind == "hold":
            lifecycle_hold(lifecycle=lifecycle, by=head, note="Funding gap")
        elif kind == "resume":
            lifecycle_resume(lifecycle=lifecycle, by=head)
        elif kind == "join":
            membership_add(program=program, user=member, role="developer", by=head)
        elif kind == "archive":
            program_archive(program=program)
        else:
            program_unarchive(program=program)


def pages(client, users) -> list[str]:
    contents = []
    for user in users:
        client.force_login(user)
        for name, queries in PAGES.items():
            for query in queries:
                response = client.get(reverse(name) + query)
                # a reviewer on no team is sent from "My programs" to the portfolio
                redirected = response.status_code == 302
                contents.append(response["Location"] if redirected else response.context["content"])
    return contents


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=WRITES)
def test_the_cached_page_equals_a_fresh_one_after_any_writes(client, writes):
    cache.clear()
    head, member = UserFactory(), UserFactory()
    programs = [ProgramFactory(head=head, currency="KES") for _ in range(3)]
    users = [reviewer(), member, head]
    pages(client, users)  # cached before the writes
    for kind, which, number in writes:
        write(kind, programs[which], head, member, number)
        cached = pages(client, users)
        cache.clear()
        assert cached == pages(client, users)  # worked out from the records
