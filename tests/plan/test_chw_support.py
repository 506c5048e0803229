"""CHW support (4S): the flags and the validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plan.chw_support import selectors, services
from plan.chw_support.models import CHWSupport
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 6, 15)


def support(**overrides) -> CHWSupport:
    fields = {
        "chw_count": 100,
        "supervisor_count": 10,
        "last_refresher": datetime.date(2027, 1, 10),
        "compensation_model": "stipend",
        "compensation_amount": Decimal("3000"),
        "compensation_currency": "KES",
        "compensation_frequency": "monthly",
        "supply_status": "adequate",
    }
    return CHWSupport(**{**fields, **overrides})


def codes(record, limit=10):
    return [code for code, _message in record.gaps(today=TODAY, per_supervisor_limit=limit)]


def test_a_well_supported_program_has_no_gaps():
    assert codes(support()) == []  # exactly 10 CHWs per supervisor is not "more than 10"


def test_unpaid_chws_are_flagged():
    record = support(compensation_model="unpaid", compensation_amount=None)
    assert codes(record) == ["salaried"]


@pytest.mark.parametrize(("chws", "flagged"), [(100, False), (101, True), (200, True)])
def test_more_than_ten_chws_per_supervisor_is_flagged(chws, flagged):
    record = support(chw_count=chws)
    assert ("supervised" in codes(record)) is flagged
    if flagged:
        messages = dict(record.gaps(today=TODAY, per_supervisor_limit=10))
        assert "More than 10 CHWs per supervisor" in str(messages["supervised"])


def test_no_supervisor_at_all_is_flagged():
    assert codes(support(supervisor_count=None)) == ["supervised"]


@pytest.mark.parametrize(
    ("last", "flagged"),
    [
        (datetime.date(2026, 6, 15), False),  # exactly 12 months ago
        (datetime.date(2026, 6, 14), True),  # 12 months and a day
        (None, True),  # never
    ],
)
def test_no_refresher_in_twelve_months_is_flagged(last, flagged):
    assert ("skilled" in codes(support(last_refresher=last))) is flagged


def test_stock_outs_are_flagged():
    assert codes(support(supply_status="stock_outs")) == ["supplied"]


def test_the_supervisor_limit_comes_from_the_settings(settings):
    program = ProgramFactory()
    record = services.chw_support_save(program=program, **support_fields(chw_count=60))
    settings.CHW_PER_SUPERVISOR_LIMIT = 10
    assert selectors.chw_support_gaps(support=record, today=TODAY) == []
    settings.CHW_PER_SUPERVISOR_LIMIT = 5
    gaps = selectors.chw_support_gaps(support=record, today=TODAY)
    assert [code for code, _ in gaps] == ["supervised"]
    assert "More than 5" in str(gaps[0][1])


def support_fields(**overrides):
    fields = {
        "chw_count": 100,
        "last_refresher": datetime.date(2027, 1, 10),
        "next_refresher": None,
        "supervisor_count": 10,
        "compensation_model": "stipend",
        "compensation_amount": Decimal("3000"),
        "compensation_currency": "KES",
        "compensation_frequency": "monthly",
        "payer": "County government",
        "supply_status": "adequate",
        "last_restock": None,
        "notes": "",
    }
    return {**fields, **overrides}


def test_saving_twice_updates_the_one_record():
    program = ProgramFactory()
    first = services.chw_support_save(program=program, **support_fields())
    second = services.chw_support_save(program=program, **support_fields(chw_count=120))
    assert first.pk == second.pk
    assert CHWSupport.objects.get(program=program).chw_count == 120
    assert selectors.chw_support_get(program=program).chws_per_supervisor == Decimal("12.0")
    assert selectors.chw_support_get(program=ProgramFactory()) is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"compensation_model": "unpaid"}, "compensation_amount"),  # unpaid has no amount
        ({"compensation_amount": None}, "compensation_amount"),  # paid needs one
        ({"compensation_amount": Decimal("-1")}, "compensation_amount"),
        ({"compensation_currency": ""}, "compensation_currency"),
        ({"compensation_currency": "XXY"}, "compensation_currency"),
        ({"compensation_frequency": ""}, "compensation_frequency"),
        ({"next_refresher": datetime.date(2027, 1, 1)}, "next_refresher"),  # before the last
        ({"supervisor_count": 0}, "supervisor_count"),
        ({"chw_count": -1}, "chw_count"),
    ],
)
def test_chw_support_validation(overrides, field):
    program = ProgramFactory()
    with pytest.raises(ValidationError) as error:
        services.chw_support_save(program=program, **support_fields(**overrides))
    assert field in error.value.message_dict
    assert not CHWSupport.objects.exists()


def test_unpaid_without_an_amount_is_valid():
    program = ProgramFactory()
    record = services.chw_support_save(
        program=program,
        **support_fields(
            compensation_model="unpaid",
            compensation_amount=None,
            compensation_currency="",
            compensation_frequency="",
        ),
    )
    assert record.compensation_model == "unpaid"
