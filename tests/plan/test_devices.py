"""The device fleet: IMEI check digits, the CHT's minimum and recommended specifications, what
the fleet adds up to against the number of CHWs, and the pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from plan.chw_support import services as chw_services
from plan.devices import selectors, services
from plan.devices.models import Device, imei_is_valid, parse_android
from tests.factories import ProgramFactory

from .conftest import DEVICE
from .pages import assert_form_error, imei, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("490154203237518", True),  # the textbook example
        ("356938035643809", True),
        ("490154203237517", False),  # the check digit is wrong
        ("49015420323751", False),  # 14 digits
        ("4901542032375180", False),  # 16 digits
        ("49015420323751X", False),
    ],
)
def test_an_imei_is_checked_with_its_luhn_digit(value, valid):
    assert imei_is_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "parsed"),
    [("9", (9, 0)), ("5.1.1", (5, 1)), ("13", (13, 0)), ("4.4", (4, 4)), ("Pie", None), ("", None)],
)
def test_android_versions_are_read_as_numbers(value, parsed):
    assert parse_android(value) == parsed


@pytest.mark.parametrize(
    ("android", "ram", "storage", "spec"),
    [
        ("4.4", "2", 16, "below_minimum"),  # Android 5.0 is the minimum
        ("5.0", "1", 8, "below_recommended"),  # exactly the minimum
        ("8.1", "4", 64, "below_recommended"),  # Android 9 is recommended
        ("9", "1.5", 32, "below_recommended"),  # 2 GB of RAM recommended
        ("9", "0.5", 32, "below_minimum"),  # 1 GB minimum
        ("12", "3", 4, "below_minimum"),  # 8 GB storage minimum
        ("9", "2", 16, "ok"),  # exactly the recommended
    ],
)
def test_devices_are_flagged_against_the_chts_requirements(android, ram, storage, spec):
    device = Device(**{**DEVICE, "android_version": android, "ram_gb": Decimal(ram)})
    device.storage_gb = storage
    assert device.spec == spec


def test_the_service_normalises_the_imei_and_refuses_bad_or_duplicate_ones():
    program, other = ProgramFactory(), ProgramFactory()
    saved = services.device_create(program=program, **{**DEVICE, "imei": "49-015420-323751-8"})
    assert saved.imei == "490154203237518"
    with pytest.raises(ValidationError) as error:
        services.device_create(program=program, **DEVICE)
    assert "already in the fleet" in " ".join(error.value.message_dict["imei"])
    with pytest.raises(ValidationError) as error:
        services.device_create(program=program, **{**DEVICE, "imei": "490154203237517"})
    assert "check digit" in " ".join(error.value.message_dict["imei"])
    with pytest.raises(ValidationError) as error:
        services.device_create(
            program=program, **{**DEVICE, "imei": imei(1), "android_version": "Pie"}
        )
    assert "android_version" in error.value.message_dict
    # The same phone may be in another program's fleet (a transfer).
    services.device_create(program=other, **DEVICE)
    with pytest.raises(Http404):
        selectors.device_get(program=program, pk=Device.objects.get(program=other).pk)


def test_the_fleet_counts_working_devices_against_the_chws():
    program = ProgramFactory()
    statuses = ["in_use"] * 6 + ["lost", "broken", "replaced", "in_use"]
    for n, status in enumerate(statuses):
        android = "4.4" if n == 0 else "8" if n == 1 else "12"
        services.device_create(
            program=program,
            **{**DEVICE, "imei": imei(n), "status": status, "android_version": android},
        )
    devices = selectors.device_list(program=program)
    fleet = selectors.fleet_summary(devices=devices, chw_count=10)
    assert (fleet.total, fleet.working, fleet.lost_or_broken) == (10, 7, 2)
    assert fleet.lost_or_broken_percent == 20
    assert fleet.chws_without_device == 3
    # 20% of 10 CHWs (2) plus the 3 without a device
    assert fleet.suggested_replacements == 5
    assert (fleet.below_minimum, fleet.below_recommended) == (1, 1)
    assert fleet.android_versions[0] == ("12", 8)
    assert selectors.fleet_summary(devices=devices, chw_count=None).suggested_replacements is None
    totals = selectors.fleet_totals(programs=type(program).objects.filter(pk=program.pk))
    assert (totals.devices, totals.working, totals.lost_or_broken) == (10, 7, 2)


# --- the pages --------------------------------------------------------------------------------


def test_the_page_flags_devices_and_compares_with_the_chws(head_client, world):
    program = world["program"]
    chw_services.chw_support_save(
        program=program, chw_count=3, supervisor_count=1, compensation_model="unpaid",
        supply_status="adequate",
    )  # fmt: skip
    services.device_create(
        program=program, **{**DEVICE, "imei": imei(7), "android_version": "4.4", "status": "lost"}
    )
    services.device_create(program=program, **{**DEVICE, "imei": imei(8), "android_version": "8"})
    page = head_client.get(url(world, "devices")).content.decode()
    assert "2 working devices for 3 CHWs" in page
    assert "1 CHW has no working device." in page
    assert "1 device lost or broken (33% of the fleet)." in page
    assert "1 working device is below the recommended." in page
    assert f'data-device="{imei(7)}" data-spec="below_minimum"' in page
    assert "Budget suggestion: 2 replacement devices" in page


def test_adding_a_device_through_the_form(head_client, world):
    data = {
        "user_name": "Otieno",
        "phone_model": "Samsung A05",
        "imei": "3569 3803 5643 809",
        "sim_number": "8925402",
        "android_version": "14",
        "ram_gb": "4",
        "storage_gb": "64",
        "status": "in_use",
        "handed_over_on": "2027-02-01",
    }
    assert head_client.post(url(world, "device-create"), data).status_code == 302
    assert Device.objects.get(user_name="Otieno").imei == "356938035643809"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("imei", "356938035643808", "its last is a check digit"),
        ("imei", "490154203237518", "A device with this IMEI is already in the fleet."),
        ("android_version", "Oreo", "Write the version as numbers"),
        ("storage_gb", "0", "greater than or equal to 1"),
    ],
)
def test_bad_input_is_refused_beside_the_field(head_client, world, field, value, message):
    data = {
        "phone_model": "Samsung A05",
        "imei": "356938035643809",
        "android_version": "14",
        "ram_gb": "4",
        "storage_gb": "64",
        "status": "in_use",
        field: value,
    }
    response = head_client.post(url(world, "device-create"), data)
    assert_form_error(response, f"id_{field}", message)
    assert Device.objects.count() == 1  # the world's own
