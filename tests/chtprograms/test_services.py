import datetime

import pytest
from django.core.exceptions import ValidationError

from chtprograms import services
from chtprograms.considerations import DEFAULT_CHECKLISTS, Area
from chtprograms.models import Consideration, ConsiderationItem, Health, Program
from personas.models import Membership, PersonaRole
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_program_create_makes_six_considerations_with_checklists_and_a_head():
    head = UserFactory()
    program = ProgramFactory(head=head)
    considerations = Consideration.objects.filter(program=program)
    assert sorted(considerations.values_list("area", flat=True)) == sorted(Area.values)
    scope = considerations.get(area=Area.SCOPE)
    assert list(scope.items.values_list("label", flat=True)) == [
        str(label) for label in DEFAULT_CHECKLISTS[Area.SCOPE]
    ]
    assert ConsiderationItem.objects.filter(consideration__program=program).count() == sum(
        len(items) for items in DEFAULT_CHECKLISTS.values()
    )
    membership = Membership.objects.get(program=program)
    assert (membership.user, membership.role) == (head, PersonaRole.PROGRAM_HEAD)


def test_program_create_records_partners_with_their_role():
    funder = OrganizationFactory(name="Funder")
    program = ProgramFactory(partners=[(funder, "funder")])
    link = program.partner_links.get()
    assert (link.organization, link.role) == (funder, "funder")


def test_end_before_start_is_refused_on_the_end_field_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        ProgramFactory(
            planned_start=datetime.date(2027, 6, 1), planned_end=datetime.date(2027, 5, 31)
        )
    assert "planned_end" in error.value.message_dict
    assert "before the planned start" in error.value.message_dict["planned_end"][0]
    assert Program.objects.count() == 0
    assert Consideration.objects.count() == 0


def test_name_is_unique_within_a_country_ignoring_case():
    ProgramFactory(name="Siaya CHV app", country="KE")
    with pytest.raises(ValidationError) as error:
        ProgramFactory(name="siaya chv APP", country="KE")
    assert error.value.message_dict["name"] == [
        "This name is taken in this country; choose another (adding the region or the year "
        "often helps)."
    ]
    ProgramFactory(name="Siaya CHV app", country="UG")  # another country is fine
    assert Program.objects.count() == 2


def test_currency_must_be_iso_4217():
    with pytest.raises(ValidationError) as error:
        ProgramFactory(currency="KSH")
    assert "ISO 4217" in error.value.message_dict["currency"][0]


def test_program_update_changes_fields_and_partners():
    program = ProgramFactory()
    ngo = OrganizationFactory(name="An NGO")
    services.program_update(program=program, summary="New summary", partners=[(ngo, "steward")])
    program.refresh_from_db()
    assert program.summary == "New summary"
    assert [(p.organization.name, p.role) for p in program.partner_links.all()] == [
        ("An NGO", "steward")
    ]
    services.program_update(program=program, partners=[])
    assert program.partner_links.count() == 0


def test_health_is_kept_as_a_dated_history():
    program = ProgramFactory()
    user = UserFactory()
    services.program_health_record(
        program=program, by=user, status=Health.AT_RISK, note="Phones late"
    )
    services.program_health_record(
        program=program, by=user, status=Health.OFF_TRACK, note="Funding cut"
    )
    program.refresh_from_db()
    assert program.health == Health.OFF_TRACK
    assert list(program.health_notes.values_list("status", "note")) == [
        (Health.OFF_TRACK, "Funding cut"),
        (Health.AT_RISK, "Phones late"),
    ]


def test_archive_keeps_the_program_and_restores_it():
    program = ProgramFactory()
    services.program_archive(program=program)
    assert Program.objects.get(pk=program.pk).is_archived
    assert not Program.objects.active().filter(pk=program.pk).exists()
    services.program_unarchive(program=program)
    assert Program.objects.active().filter(pk=program.pk).exists()


def test_checklist_items_can_be_added_ticked_and_removed():
    program = ProgramFactory()
    consideration = program.considerations.get(area=Area.LANDSCAPE)
    item = services.consideration_item_add(consideration=consideration, label="Road access")
    assert consideration.items.order_by("position").last() == item
    services.consideration_item_update(item=item, done=True, note="Seasonal floods")
    item.refresh_from_db()
    assert (item.done, item.note) == (True, "Seasonal floods")
    services.consideration_item_delete(item=item)
    assert not consideration.items.filter(pk=item.pk).exists()


def test_consideration_update_validates_choices():
    program = ProgramFactory()
    consideration = program.considerations.get(area=Area.SCOPE)
    with pytest.raises(ValidationError):
        services.consideration_update(
            consideration=consideration, status="finished", risk="low", owner=None, notes=""
        )
    services.consideration_update(
        consideration=consideration, status="addressed", risk="low", owner=None, notes="ok"
    )
    consideration.refresh_from_db()
    assert consideration.status == "addressed"


def test_program_create_refuses_fields_it_does_not_edit():
    with pytest.raises(TypeError, match="not editable here: archived_at"):
        services.program_create(
            head=UserFactory(),
            name="Kisumu CHV",
            slug="kisumu-chv",
            program_type="accompanied",
            country="KE",
            currency="KES",
            archived_at=None,
        )
