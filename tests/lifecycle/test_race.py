"""Two heads advance the same program at the same moment, on PostgreSQL with two threads and
two connections: exactly one succeeds, the other is told of the conflict, one history row."""

import threading

import pytest
from django.db import close_old_connections, connection, connections
from django_fsm import ConcurrentTransition

from lifecycle.models import Lifecycle, StageTransition
from lifecycle.services import lifecycle_advance, lifecycle_hold
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory
from tests.services import missing

from .conftest import meet_gate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        missing(
            "PostgreSQL",
            "run with DATABASE_URL=postgres://user@host:5432/name (the race needs row locks)",
        )


def race(program, users, decide):
    """Both threads load the lifecycle, wait for each other, then decide at once."""
    barrier = threading.Barrier(len(users))
    results: dict[str, str] = {}

    def worker(user):
        close_old_connections()
        try:
            lifecycle = Lifecycle.objects.select_related("program").get(program=program)
            barrier.wait(timeout=10)
            decide(lifecycle, user)
            results[user.username] = "ok"
        except ConcurrentTransition:
            results[user.username] = "conflict"
        except Exception as error:  # reported by the assertion below
            results[user.username] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def two_heads():
    first, second = UserFactory(), UserFactory()
    program = ProgramFactory(head=first)
    membership_add(program=program, user=second, role=PersonaRole.PROGRAM_HEAD)
    meet_gate(program, Stage.INITIATION, first)
    return program, [first, second]


def test_two_heads_advancing_at_once_exactly_one_succeeds(postgresql):
    program, heads = two_heads()
    results = race(
        program, heads, lambda lifecycle, user: lifecycle_advance(lifecycle=lifecycle, by=user)
    )
    assert sorted(results.values()) == ["conflict", "ok"], results
    lifecycle = Lifecycle.objects.get(program=program)
    assert lifecycle.stage == Stage.PLANNING
    history = list(StageTransition.objects.filter(lifecycle=lifecycle))
    assert len(history) == 1
    winner = next(name for name, result in results.items() if result == "ok")
    assert history[0].by.username == winner


def test_advance_and_hold_at_once_one_wins(postgresql):
    program, heads = two_heads()

    def decide(lifecycle, user):
        if user == heads[0]:
            lifecycle_advance(lifecycle=lifecycle, by=user)
        else:
            lifecycle_hold(lifecycle=lifecycle, by=user, note="Funding paused")

    results = race(program, heads, decide)
    assert sorted(results.values()) == ["conflict", "ok"], results
    lifecycle = Lifecycle.objects.get(program=program)
    assert StageTransition.objects.filter(lifecycle=lifecycle).count() == 1
    assert lifecycle.stage in (Stage.PLANNING, Stage.ON_HOLD)
