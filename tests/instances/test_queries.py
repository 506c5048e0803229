"""The Instances tab and the selectors for the portfolio and the digest make the same number
of queries whatever the number of programs, instances and snapshots."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from instances import selectors, services
from tests.factories import ProgramFactory, UserFactory
from tests.queries import assert_same_count, exact_queries, get_counted, pinned

from .helpers import grow

pytestmark = pytest.mark.django_db


def add_instances(program, count, *, days, per_day, start=0):
    now = timezone.now()
    made = []
    for n in range(start, start + count):
        instance = services.instance_create(
            program=program, base_url=f"https://cht{n}.{program.slug}.example.org"
        )
        grow(instance, days=days, per_day=per_day, end=now, down_every=5)
        made.append(instance)
    return made


def count(client, url):
    queries, _response = get_counted(client, url)
    return queries


def test_the_instances_tab_makes_the_same_queries_for_1_or_4_instances(client):
    head = UserFactory()
    program = ProgramFactory(head=head, slug="siaya")
    other = ProgramFactory(head=head, slug="kisumu")
    client.force_login(head)
    url = reverse("instances:list", args=["siaya"])
    add_instances(program, 1, days=2, per_day=2)
    small = count(client, url)
    add_instances(program, 3, days=30, per_day=6, start=1)
    shared = add_instances(other, 1, days=3, per_day=4, start=9)[0]
    services.instance_update(instance=shared, shared_with=[program])
    large = count(client, url)
    assert_same_count(small, large)
    large.assert_count(pinned("instances tab"))


def programs_with_instances(size: int, prefix: str):
    programs = [ProgramFactory(slug=f"{prefix}-{n}") for n in range(size)]
    now = timezone.now()
    for n, program in enumerate(programs):
        for k in range(2):
            instance = services.instance_create(
                program=program, base_url=f"https://{prefix}{n}-{k}.example.org"
            )
            grow(instance, days=1, per_day=3, end=now, down_every=2 if k else 0)
        if n:
            services.instance_update(instance=instance, shared_with=[programs[0]])
    return programs


@pytest.mark.parametrize(
    ("selector", "queries"),
    [("state", pinned("instances state")), ("alerts", pinned("instances digest alerts"))],
)
def test_the_portfolio_and_digest_selectors_at_2_and_12_programs(selector, queries):
    since = timezone.now() - datetime.timedelta(days=2)

    def run(programs):
        ids = [program.pk for program in programs]
        with exact_queries(queries):
            if selector == "state":
                return selectors.instances_state_for_programs(ids)
            return selectors.instance_alerts_for_digest(ids, since)

    small = run(programs_with_instances(2, "a"))
    large = run(programs_with_instances(12, "b"))
    assert len(small) == 2 and len(large) == 12


def test_the_overview_health_card_shows_the_instances_state(client):
    head = UserFactory()
    program = ProgramFactory(head=head, slug="siaya")
    client.force_login(head)
    url = reverse("chtprograms:program-detail", args=["siaya"])
    page = client.get(url).content.decode()
    assert 'id="instances-state"' in page and "none recorded yet" in page
    add_instances(program, 2, days=2, per_day=2)
    page = client.get(url).content.decode()
    state = selectors.instances_state_for_programs([program.pk])[program.pk]
    assert state.polled == 2
    if state.down:
        assert f"{state.down} down" in page
    else:
        assert "all up" in page
    assert reverse("instances:list", args=["siaya"]) in page
