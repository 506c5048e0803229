"""core.concurrency on its own: versions are stable, cannot be forged, and compare the values a
form sends with the ones the database holds whatever their type."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from chtprograms.models import Program
from core.concurrency import EditConflict, ensure_unchanged, read_version, version_of
from plan.budget.models import BudgetLine
from tests.factories import BudgetLineFactory, OrganizationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PROGRAM_FIELDS = ["name", "country", "lead_organization", "planned_start", "currency"]


def test_a_record_read_twice_has_one_version():
    program = ProgramFactory()
    again = Program.objects.get(pk=program.pk)
    assert read_version(version_of(program, PROGRAM_FIELDS)) == read_version(
        version_of(again, PROGRAM_FIELDS)
    )
    line = BudgetLineFactory(program=program, forecast_amount="5")
    assert read_version(version_of(line, ["forecast_amount"])) == read_version(
        version_of(BudgetLine.objects.get(pk=line.pk), ["forecast_amount"])
    )


def test_an_altered_or_foreign_version_is_refused():
    program = ProgramFactory()
    version = version_of(program, PROGRAM_FIELDS)
    assert read_version(version) is not None
    assert read_version(version[:-2] + "xx") is None
    assert read_version("not a version") is None
    with pytest.raises(ValidationError, match="out of date"):
        ensure_unchanged(program, "not a version", {})


def test_values_as_a_form_sends_them_match_the_stored_ones():
    """ "120000" typed for a stored 120000.00, a date, a country code and an organization object
    are the same values: sending them back unchanged is no change of the user's."""
    program = ProgramFactory(country="KE", planned_start=datetime.date(2027, 1, 1))
    line = BudgetLineFactory(program=program, forecast_amount="120000.00", note="a")
    version = version_of(line, ["forecast_amount", "note"])
    BudgetLine.objects.filter(pk=line.pk).update(note="b")
    with pytest.raises(EditConflict) as conflict:
        ensure_unchanged(line, version, {"forecast_amount": "120000", "note": "a"})
    assert "(it was “a”)" in conflict.value.message_dict["note"][0]
    assert "forecast_amount" not in conflict.value.message_dict
    assert conflict.value.theirs == {"note": "b"}

    version = version_of(program, PROGRAM_FIELDS)
    Program.objects.filter(pk=program.pk).update(lead_organization=OrganizationFactory(name="New"))
    same = {
        "name": program.name,
        "country": "KE",
        "lead_organization": program.lead_organization,
        "planned_start": datetime.date(2027, 1, 1),
        "currency": "KES",
    }
    with pytest.raises(EditConflict) as conflict:
        ensure_unchanged(program, version, same)
    assert list(conflict.value.message_dict) == ["lead_organization", "__all__"]
    assert "it is now “New”" in conflict.value.message_dict["lead_organization"][0]


def test_a_record_deleted_meanwhile_is_said_so():
    line = BudgetLineFactory(program=ProgramFactory())
    version = version_of(line, ["note"])
    BudgetLine.objects.filter(pk=line.pk).delete()
    with pytest.raises(ValidationError, match="deleted this record"):
        ensure_unchanged(line, version, {"note": "x"})
