"""What the portfolio, the overview's health card and the digest will read."""

import datetime

import pytest

from instances import selectors, services
from tests.factories import ProgramFactory

from .helpers import poll_at

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def instance(program, name, **fields):
    return services.instance_create(
        program=program, base_url=f"https://{name}.example.org", **fields
    )


def test_state_per_program_worst_status_flags_and_end_of_life():
    siaya, kisumu, empty = ProgramFactory(), ProgramFactory(), ProgramFactory()
    production = instance(siaya, "prod")
    training = instance(siaya, "training", kind="training")
    services.instance_update(instance=training, shared_with=[kisumu])
    instance(siaya, "never-polled")
    poll_at(production, T0, version="5.2.0", sentinel=900)
    poll_at(training, T0, outcome="unreachable")

    states = selectors.instances_state_for_programs(
        [siaya.pk, kisumu.pk, empty.pk], today=T0.date()
    )
    assert set(states) == {siaya.pk, kisumu.pk}
    state = states[siaya.pk]
    assert (state.instances, state.polled, state.worst_status, state.down) == (
        3,
        2,
        "unreachable",
        1,
    )
    assert state.flag_codes == {"sentinel_backlog", "down"} and state.flag_count == 2
    assert (state.end_of_life, state.ending_soon) == (0, 0)
    shared = states[kisumu.pk]
    assert (shared.instances, shared.worst_status, shared.flag_codes) == (
        1,
        "unreachable",
        {"down"},
    )

    poll_at(training, T0 + HOUR, version="4.21.0")
    poll_at(production, T0 + HOUR, version="4.22.0")
    state = selectors.instances_state_for_programs([siaya.pk], today=T0.date())[siaya.pk]
    assert (state.worst_status, state.down, state.end_of_life, state.ending_soon) == (
        "up",
        0,
        1,
        1,
    )
    assert state.flagged


def test_digest_alerts_each_flag_once():
    program = ProgramFactory()
    production = instance(program, "prod")
    poll_at(production, T0, sentinel=900)
    for n in range(1, 4):  # still raised: no new alert
        poll_at(production, T0 + n * HOUR, sentinel=900)
    poll_at(production, T0 + 4 * HOUR, outcome="down")
    poll_at(production, T0 + 5 * HOUR, sentinel=0)
    poll_at(production, T0 + 6 * HOUR, outcome="down")  # down again, same day

    first = selectors.instance_alerts_for_digest([program.pk], T0 - HOUR)[program.pk]
    assert [(a.code, a.detail, a.still_raised) for a in first] == [
        ("down", "gone", True),
        ("sentinel_backlog", "900", False),
    ]
    assert first[0].label == "Down" and first[0].base_url == "https://prod.example.org"
    # The next digest (since the last one) has nothing new while the flags stay as they are.
    assert selectors.instance_alerts_for_digest([program.pk], T0 + 7 * HOUR) == {}
    poll_at(production, T0 + 8 * HOUR, version="4.21.0")
    later = selectors.instance_alerts_for_digest([program.pk], T0 + 7 * HOUR)[program.pk]
    assert [a.code for a in later] == ["end_of_life"]


def test_instances_to_poll_skip_disabled_ones_and_archived_programs():
    from django.utils import timezone

    live, archived = ProgramFactory(), ProgramFactory()
    polled = instance(live, "polled")
    instance(live, "quiet", polling_enabled=False)
    instance(archived, "archived")
    archived.archived_at = timezone.now()
    archived.save(update_fields=["archived_at"])
    assert selectors.instances_to_poll() == [polled.pk]


def test_uptime_and_downtime_count_only_polls_that_could_tell():
    program = ProgramFactory()
    production = instance(program, "prod")
    now = datetime.datetime.now(datetime.UTC)
    start = now - 10 * HOUR
    for n in range(8):
        poll_at(production, start + n * HOUR)
    poll_at(production, start + 8 * HOUR, outcome="down")
    poll_at(production, start + 9 * HOUR, outcome="login_redirect")  # says nothing
    (view,) = selectors.instance_page(program=program, now=now)
    assert (view.week.polls, view.week.up) == (9, 8)
    assert view.week.uptime == pytest.approx(8 / 9)
    assert abs(view.week.downtime - 10 * HOUR / 9) < datetime.timedelta(seconds=1)
    assert view.snapshot.status == "login_redirect"
    assert view.engagement_7d is None  # the latest poll has no figures
