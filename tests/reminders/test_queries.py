"""The reminder scan and the hourly run cost the same number of queries at 10 and 200 programs.

The small portfolio is made through the services; the large one is added in bulk (see
`portfolio.py`), and the first test below checks that the scan finds the same in both."""

import datetime

import pytest

from chtprograms.models import Program
from reminders import scan as reminders
from reminders.models import Notification, NotificationKind
from tests.factories import UserFactory
from tests.queries import assert_same_count, counting, exact_queries, pinned

from .helpers import at, run, set_profile
from .portfolio import bulk_portfolio, portfolio

pytestmark = pytest.mark.django_db

EARLY = datetime.date(2027, 1, 5)  # before initiation's planned end: only met gates wait


def odd(index: int) -> bool:
    return index % 2 == 1


def test_a_bulk_portfolio_is_scanned_like_one_made_by_the_services():
    people = [UserFactory() for _ in range(4)]
    made = portfolio(6, people, today=EARLY, to_planning=odd)
    bulk = bulk_portfolio(6, people, today=EARLY, to_planning=odd)
    found = reminders.scan([reminders.Recipient(user_id=p.pk, today=EARLY) for p in people])

    def seen(programs, person):
        index = {program.pk: number for number, program in enumerate(programs)}
        return sorted(
            (index[item.program_id], item.kind, item.subject, item.due_on)
            for item in found.get(person.pk, [])
            if item.program_id in index
        )

    for person in people:
        assert seen(bulk, person) == seen(made, person)
    kinds = {item.kind for person in people for item in found[person.pk]}
    assert {
        NotificationKind.ACTIVITY_DUE,
        NotificationKind.GATE_WAITING,
        NotificationKind.DOCUMENT_EXPIRING,
    } <= kinds
    assert seen(made, people[0])  # the comparison is not of two empty lists


@pytest.mark.parametrize(
    ("size", "build"), [(10, portfolio), (200, bulk_portfolio)], ids=["10", "200-in-bulk"]
)
def test_the_scan_query_count_is_the_same_at_10_and_200_programs(size, build):
    people = [UserFactory() for _ in range(4)]
    build(size, people, today=EARLY)
    recipients = [reminders.Recipient(user_id=person.pk, today=EARLY) for person in people]
    # memberships (+ programs, lifecycles), activities, stage plans, ethics approvals, the
    # current stage's activities and the considerations (gates), agreements, instances
    with exact_queries(pinned("reminder scan")):
        found = reminders.scan(recipients)
    met = len(range(0, size, 3))  # programs whose gate is met (their activities are done)
    assert len({item.program_id for item in found[people[1].pk]}) == size - met
    waiting = [item for item in found[people[0].pk] if item.kind == NotificationKind.GATE_WAITING]
    assert len(waiting) == met
    assert len([item for item in found[people[2].pk] if item.subject == "domain"]) == size


def notification_inserts(sql: str) -> bool:
    """The notifications go in with one bulk INSERT, which the database driver may cut into
    chunks (SQLite allows few parameters per statement): every other query counts."""
    return sql.startswith('INSERT INTO "lifecycle_notif')


def test_a_whole_hourly_run_costs_the_same_at_10_and_200_programs():
    people = [UserFactory() for _ in range(4)]
    portfolio(10, people)
    for person in people:
        set_profile(person, time_zone="Africa/Nairobi")
    with counting(ignore=notification_inserts) as small:
        assert run(at("2027-03-01 08:00", "Africa/Nairobi")).claimed == 4
    bulk_portfolio(190, people)
    with counting(ignore=notification_inserts) as large:
        assert run(at("2027-03-02 08:00", "Africa/Nairobi")).claimed == 4
    assert Notification.objects.filter(person=people[2], subject="domain").count() == 10 + 200
    assert_same_count(small, large)


def test_the_scan_costs_the_same_with_programs_in_other_stages_at_10_and_200():
    """Programs whose planning gate is evaluated too (its facts come from the bulk loaders)."""
    people = [UserFactory() for _ in range(4)]
    recipients = [reminders.Recipient(user_id=person.pk, today=EARLY) for person in people]
    portfolio(10, people, today=EARLY, to_planning=odd)
    with counting() as small:
        reminders.scan(recipients)
    bulk_portfolio(190, people, today=EARLY, to_planning=odd)
    with counting() as large:
        found = reminders.scan(recipients)
    assert_same_count(small, large)
    assert {item.program_id for item in found[people[2].pk]} == set(
        Program.objects.values_list("pk", flat=True)
    )
    assert Program.objects.filter(lifecycle__stage="planning").count() == 5 + 95
