"""The closeout report's go-live, training and devices sections."""

import datetime
from decimal import Decimal

import pytest

from chtprograms.models import Program
from instances.golive.services import readiness_save
from plan.chw_support.services import chw_support_save
from plan.devices.services import device_create
from plan.training.services import training_event_create
from reports import render as reports
from tests.factories import ProgramFactory, UserFactory
from tests.lifecycle.conftest import meet_golive

from .reporting import luhn_imei

pytestmark = pytest.mark.django_db


def test_the_sections_come_after_the_first_eight_in_order():
    anchors = [anchor for anchor, _title in reports.SECTIONS]
    assert anchors[8:] == ["go-live", "training-devices"]


def test_an_empty_program_says_nothing_was_recorded():
    program = ProgramFactory(head=UserFactory())
    html = reports.render_html(program=program)
    assert '<section class="report-section" id="go-live">' in html
    assert "0 of 9 go-live criteria met." in html
    assert "No training events were recorded." in html
    assert "No devices were recorded." in html


def test_the_report_shows_readiness_training_and_the_fleet():
    program = ProgramFactory(head=UserFactory(), slug="homa-bay")
    meet_golive(program)
    readiness_save(program=program, credential_delivery="shared_spreadsheet")
    chw_support_save(
        program=program, chw_count=4, supervisor_count=1, compensation_model="unpaid",
        supply_status="adequate",
    )  # fmt: skip
    training_event_create(
        program=program, kind="tot", starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 3, 6), place="Homa Bay", participants=24, facilitators=2,
        pre_test_average=Decimal("48.5"), post_test_average=Decimal("81"), evaluation_level=2,
    )  # fmt: skip
    for n, (status, android) in enumerate([("in_use", "4.4"), ("in_use", "12"), ("lost", "12")]):
        device_create(
            program=program, phone_model="Tecno Pop 7", imei=luhn_imei(n), android_version=android,
            ram_gb=Decimal(2), storage_gb=32, status=status,
        )  # fmt: skip
    program = Program.objects.select_related("lead_organization", "lifecycle").get(pk=program.pk)
    html = reports.render_html(program=program)
    assert "8 of 9 go-live criteria met." in html
    assert "A shared spreadsheet of passwords: use magic links or one-time passwords" in html
    assert "Training of trainers" in html and "48.5% → 81.0%" in html
    assert "More than 10 participants per facilitator (12.0)." in html
    assert "2 working devices for 4 CHWs · 1 lost or broken (33%)" in html
    assert "1 below the CHT&#x27;s minimum" in html or "1 below the CHT's minimum" in html
    assert luhn_imei(0) not in html  # no IMEI in a PDF that is e-mailed
