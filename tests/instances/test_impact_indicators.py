"""Indicators filled from a live CHT's `/api/v1/impact`: polled from a real HTTP server on
loopback answering like CHT 5.x, month after month; a typed value is never overwritten."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from instances import services
from instances.impact import impact_value, month_end
from instances.models import Kind
from plan.indicators import services as indicator_services
from plan.indicators.models import Indicator, Measurement
from tests.factories import ProgramFactory, UserFactory

from .fakecht import impact, monitoring

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
JANUARY = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
JANUARY_LATER = datetime.datetime(2026, 1, 28, 9, 0, tzinfo=UTC)
FEBRUARY = datetime.datetime(2026, 2, 14, 9, 0, tzinfo=UTC)


def test_what_an_impact_answer_counts_for_each_source():
    data = impact(users=48)
    assert impact_value(data, source="users", key="") == 48
    assert impact_value(data, source="contacts", key="person") == 1000
    assert impact_value(data, source="contacts", key="clinic") == 300
    assert impact_value(data, source="reports", key="pregnancy") == 5000
    # Counted by form, and none of this form yet: zero, not unknown.
    assert impact_value(data, source="reports", key="delivery") == 0
    # An answer without the list, or not from 5.0: unknown.
    assert impact_value({"users": {"count": -1}}, source="users", key="") is None
    assert impact_value({"contacts": {"count": 3}}, source="contacts", key="person") is None
    assert impact_value(data, source="", key="") is None
    assert month_end(datetime.date(2028, 2, 3)) == datetime.date(2028, 2, 29)


def indicator(program, name, source, key="", count="total"):
    return indicator_services.indicator_create(
        program=program,
        name=name,
        unit="people",
        direction="increase",
        target_value=Decimal("100000"),
        target_date=datetime.date(2027, 12, 31),
        frequency="monthly",
        impact_source=source,
        impact_key=key,
        impact_count=count,
    )


def answer(server, *, users=48, person=1000, pregnancies=5000):
    server.clear()
    for interval in (7, 30):
        server.expect_request(
            "/api/v2/monitoring", query_string=f"connected_user_interval={interval}"
        ).respond_with_json(monitoring("5.2.0"))
    data = impact(users=users)
    data["contacts"]["by_type"][0]["count"] = person
    data["reports"]["by_form"][0]["count"] = pregnancies
    server.expect_request("/api/v1/impact").respond_with_json(data)


def value(indicator, month):
    measurement = Measurement.objects.filter(indicator=indicator, period_end=month).first()
    return None if measurement is None else (measurement.value, measurement.imported_from)


def test_monthly_values_come_from_the_instance_and_typed_values_stay(cht_server):
    program = ProgramFactory(slug="siaya")
    base = cht_server.url_for("").rstrip("/")
    instance = services.instance_create(
        program=program, base_url=base, impact_username="impact", impact_password="s3cret!"
    )
    users = indicator(program, "CHWs using the app", "users")
    people = indicator(program, "People registered", "contacts", "person")
    pregnancies = indicator(program, "Pregnancies registered", "reports", "pregnancy", "new")
    clinics = indicator(program, "Households registered", "contacts", "clinic")
    typed = indicator_services.measurement_create(
        indicator=clinics,
        period_end=datetime.date(2026, 1, 31),
        value=Decimal("7"),
        source="Household survey",
    )
    jan, feb = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)

    answer(cht_server, users=48, person=1000, pregnancies=5000)
    services.instance_poll(instance_id=instance.pk, now=JANUARY)
    assert value(users, jan) == (Decimal("48"), base)
    assert value(people, jan) == (Decimal("1000"), base)
    assert value(pregnancies, jan) is None  # nothing from before January to count from
    typed.refresh_from_db()
    assert (typed.value, typed.imported_from) == (Decimal("7"), "")  # the person's value stays

    # A later poll in the same month updates the month's imported values, one row each.
    answer(cht_server, users=50, person=1040, pregnancies=5060)
    services.instance_poll(instance_id=instance.pk, now=JANUARY_LATER)
    assert value(people, jan) == (Decimal("1040"), base)
    assert Measurement.objects.filter(indicator=people).count() == 1

    # February: totals at the end of the month; "new" counts what February added.
    answer(cht_server, users=51, person=1100, pregnancies=5200)
    services.instance_poll(instance_id=instance.pk, now=FEBRUARY)
    assert value(people, feb) == (Decimal("1100"), base)
    assert value(pregnancies, feb) == (Decimal("140"), base)
    measurement = Measurement.objects.get(indicator=people, period_end=feb)
    assert "CHT impact figures" in measurement.source

    # A person correcting an imported value makes it theirs: the next poll leaves it alone.
    indicator_services.measurement_update(measurement=measurement, value=Decimal("1090"))
    answer(cht_server, users=51, person=1150, pregnancies=5200)
    services.instance_poll(instance_id=instance.pk, now=FEBRUARY + datetime.timedelta(days=1))
    assert value(people, feb) == (Decimal("1090"), "")


def test_only_production_instances_fill_indicators(cht_server):
    program = ProgramFactory()
    base = cht_server.url_for("").rstrip("/")
    instance = services.instance_create(
        program=program,
        base_url=base,
        kind=Kind.TRAINING,
        impact_username="impact",
        impact_password="s3cret!",
    )
    people = indicator(program, "People registered", "contacts", "person")
    answer(cht_server)
    snapshot = services.instance_poll(instance_id=instance.pk, now=JANUARY)
    assert snapshot.impact is not None  # the instance answered
    assert not Measurement.objects.filter(indicator=people).exists()


def test_a_shared_instance_fills_the_indicators_of_every_program_it_serves(cht_server):
    owner, partner = ProgramFactory(), ProgramFactory()
    base = cht_server.url_for("").rstrip("/")
    instance = services.instance_create(
        program=owner,
        base_url=base,
        shared_with=[partner],
        impact_username="impact",
        impact_password="s3cret!",
    )
    mine = indicator(owner, "People registered", "contacts", "person")
    theirs = indicator(partner, "People registered", "contacts", "person")
    answer(cht_server, person=1234)
    services.instance_poll(instance_id=instance.pk, now=JANUARY)
    assert value(mine, datetime.date(2026, 1, 31))[0] == Decimal("1234")
    assert value(theirs, datetime.date(2026, 1, 31))[0] == Decimal("1234")


@pytest.mark.parametrize(
    ("source", "key", "field", "text"),
    [
        ("contacts", "", "impact_key", "Give the contact type"),
        ("reports", "  ", "impact_key", "Give the form"),
        ("users", "person", "impact_key", "leave this empty"),
        ("patients", "", "impact_source", "is not one of the available choices"),
    ],
)
def test_the_indicator_form_says_what_is_missing_beside_the_field(client, source, key, field, text):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    response = client.post(
        reverse("plan:indicator-create", args=[program.slug]),
        {
            "name": "People registered",
            "unit": "people",
            "direction": "increase",
            "target_value": "1000",
            "target_date": "2027-12-31",
            "frequency": "monthly",
            "impact_source": source,
            "impact_key": key,
            "impact_count": "total",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert text in page
    assert not Indicator.objects.filter(program=program).exists()


def test_the_indicators_page_marks_imported_values(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    followed = indicator(program, "People registered", "contacts", "person")
    Measurement.objects.create(
        indicator=followed,
        period_end=datetime.date(2026, 1, 31),
        value=Decimal("1000"),
        source="CHT impact figures (chis.example.org)",
        imported_from="https://chis.example.org",
    )
    client.force_login(head)
    page = client.get(reverse("plan:indicators", args=[program.slug])).content.decode()
    assert "filled from the CHT" in page
    assert "“person”" in page
    assert ">imported<" in page
