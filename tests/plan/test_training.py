"""Training events: the documentation's ratios, validation, the pages, and the "skilled" of the
4S following the last refresher."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plan.chw_support import selectors as chw_selectors
from plan.chw_support import services as chw_services
from plan.chw_support.selectors import chw_support_totals
from plan.training import selectors, services
from plan.training.models import TrainingEvent
from tests.factories import ProgramFactory

from .conftest import TRAINING
from .pages import assert_form_error, url

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


def event(**overrides) -> TrainingEvent:
    return TrainingEvent(**{**TRAINING, **overrides})


@pytest.mark.parametrize(
    ("participants", "facilitators", "classes", "expected"),
    [
        (20, 2, 1, []),  # 10 per facilitator is the limit, not over it
        (21, 2, 1, ["facilitator"]),
        (30, 3, 1, []),  # 30 in one class is the limit
        (31, 4, 1, ["class"]),
        (62, 4, 2, ["facilitator", "class"]),
        (60, 6, 2, []),
    ],
)
def test_warnings_follow_the_documentations_ratios(participants, facilitators, classes, expected):
    warnings = event(participants=participants, facilitators=facilitators, classes=classes)
    found = [str(text) for text in warnings.warnings()]
    assert ["per facilitator" in text for text in found].count(True) == ("facilitator" in expected)
    assert ["per class" in text for text in found].count(True) == ("class" in expected)


def test_the_score_gain_is_post_minus_pre():
    assert event(
        pre_test_average=Decimal("55.0"), post_test_average=Decimal("82.5")
    ).score_gain == (Decimal("27.5"))
    assert event(pre_test_average=None, post_test_average=Decimal("80")).score_gain is None


def test_the_service_saves_a_valid_event_and_refuses_bad_ones():
    program = ProgramFactory()
    saved = services.training_event_create(
        program=program, **{**TRAINING, "evaluation_level": 2, "material_languages": "Swahili"}
    )
    assert selectors.training_event_list(program=program) == [saved]
    bad = {
        "ends_on": (datetime.date(2027, 1, 31), "cannot end before it starts"),
        "place": ("", "Say where the training took place"),
        "participants": (0, "greater than or equal to 1"),
        "facilitators": (0, "greater than or equal to 1"),
        "pre_test_average": (Decimal("101"), "between 0 and 100"),
        "classes": (25, "More classes than participants"),
        "starts_on": (datetime.date(1900, 1, 1), "Enter a date between"),
    }
    for field, (value, message) in bad.items():
        with pytest.raises(ValidationError) as error:
            services.training_event_create(program=program, **{**TRAINING, field: value})
        assert message in " ".join(error.value.message_dict[field]), field
    assert TrainingEvent.objects.count() == 1
    # Remote training needs no place.
    services.training_event_create(program=program, **{**TRAINING, "kind": "remote", "place": ""})


def test_another_programs_event_is_not_found():
    mine, other = ProgramFactory(), ProgramFactory()
    theirs = services.training_event_create(program=other, **TRAINING)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.training_event_get(program=mine, pk=theirs.pk)


def support_fields(**overrides):
    return {
        "chw_count": 40,
        "supervisor_count": 4,
        "compensation_model": "unpaid",
        "supply_status": "adequate",
        **overrides,
    }


def test_the_skilled_gap_follows_the_last_refresher_event():
    program = ProgramFactory()
    chw_services.chw_support_save(program=program, **support_fields(last_refresher=None))
    programs = type(program).objects.filter(pk=program.pk)

    def skilled_gap() -> bool:
        support = chw_selectors.chw_support_get(program=program, today=TODAY)
        in_python = "skilled" in dict(chw_selectors.chw_support_gaps(support=support, today=TODAY))
        in_database = chw_support_totals(programs=programs, today=TODAY).gaps["skilled"] == 1
        assert in_python == in_database
        return in_python

    assert skilled_gap()
    # A direct training is not a refresher; a refresher over a year ago is too old.
    services.training_event_create(
        program=program,
        **{
            **TRAINING,
            "starts_on": datetime.date(2027, 5, 1),
            "ends_on": datetime.date(2027, 5, 2),
        },
    )
    services.training_event_create(
        program=program,
        **{
            **TRAINING,
            "kind": "refresher",
            "starts_on": datetime.date(2026, 6, 1),
            "ends_on": datetime.date(2026, 6, 14),
        },
    )
    assert skilled_gap()
    # One in the last 12 months closes the gap, and the CHW support page shows its date.
    services.training_event_create(
        program=program,
        **{
            **TRAINING,
            "kind": "refresher",
            "starts_on": datetime.date(2027, 3, 1),
            "ends_on": datetime.date(2027, 3, 2),
        },
    )
    assert not skilled_gap()
    assert chw_selectors.chw_support_get(
        program=program, today=TODAY
    ).latest_refresher == datetime.date(2027, 3, 2)


# --- the pages --------------------------------------------------------------------------------


def test_the_page_lists_events_with_their_warnings(head_client, world):
    services.training_event_create(
        program=world["program"],
        **{**TRAINING, "kind": "tot", "participants": 45, "facilitators": 2, "classes": 1},
    )
    page = head_client.get(url(world, "training")).content.decode()
    assert "Training of trainers" in page and "Direct training" in page
    assert "More than 10 participants per facilitator (22.5)" in page
    assert "More than 30 participants per class (45.0)" in page
    assert "65 participants" in page
    assert reverse("plan:training-event-create", args=[world["program"].slug]) in page


def test_adding_an_event_through_the_form(head_client, world):
    data = {
        "kind": "refresher",
        "starts_on": "2027-04-01",
        "ends_on": "2027-04-02",
        "place": "Siaya",
        "participants": "12",
        "facilitators": "2",
        "classes": "1",
        "pre_test_average": "60",
        "post_test_average": "85.5",
        "evaluation_level": "2",
        "material_languages": "Dholuo, English",
    }
    response = head_client.post(url(world, "training-event-create"), data)
    assert response.status_code == 302
    saved = TrainingEvent.objects.get(place="Siaya")
    assert saved.post_test_average == Decimal("85.5") and saved.evaluation_level == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "2027-03-01", "The training cannot end before it starts."),
        ("post_test_average", "120", "A score is between 0 and 100."),
        ("place", "", "Say where the training took place."),
    ],
)
def test_bad_input_is_refused_beside_the_field(head_client, world, field, value, message):
    data = {
        "kind": "direct",
        "starts_on": "2027-04-01",
        "ends_on": "2027-04-02",
        "place": "Siaya",
        "participants": "12",
        "facilitators": "2",
        "classes": "1",
        field: value,
    }
    response = head_client.post(url(world, "training-event-create"), data)
    assert_form_error(response, f"id_{field}", message)
    assert TrainingEvent.objects.count() == 1  # the world's own
