"""The portfolio's training, devices and go-live figures: the table of the dashboard, the
"only go-live waived" filter and the CSV export's columns."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from instances.golive.services import readiness_save
from lifecycle.services import lifecycle_advance
from lifecycle.stages import Stage
from plan.devices.services import device_create
from plan.training.services import training_event_create
from tests.factories import ProgramFactory, UserFactory, reviewer
from tests.lifecycle.conftest import finish_activities, meet_golive, walk_to
from tests.reports.reporting import luhn_imei

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    head = UserFactory(username="head")
    waived = ProgramFactory(head=head, name="Waived go-live", slug="waived")
    lifecycle = walk_to(waived, Stage.HOSTING, head)
    finish_activities(waived, Stage.HOSTING, head)
    meet_golive(waived)
    readiness_save(program=waived, backups_3_2_1=False)
    lifecycle_advance(
        lifecycle=lifecycle, by=head, waive=["hosting.golive_backups"], note="Backups next month"
    )
    met = ProgramFactory(head=head, name="Met go-live", slug="met")
    walk_to(met, Stage.IMPLEMENTATION, head)
    for n in range(2):
        training_event_create(
            program=met, kind="direct", starts_on=datetime.date(2026, 3, 2 + n),
            ends_on=datetime.date(2026, 3, 2 + n), place="Siaya", participants=12,
            facilitators=2,
        )  # fmt: skip
    for n, status in enumerate(["in_use", "in_use", "lost"]):
        device_create(
            program=met, phone_model="Tecno", imei=luhn_imei(n), android_version="12",
            ram_gb=Decimal(3), storage_gb=32, status=status,
        )  # fmt: skip
    return {"waived": waived, "met": met}


def test_the_dashboard_counts_training_devices_and_waivers(client, portfolio):
    client.force_login(reviewer(username="rev"))
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert 'id="fp-training">2<' in page
    assert 'id="fp-participants">24<' in page
    assert 'id="fp-devices">2 / 3<' in page
    assert 'id="fp-lost">1<' in page
    assert 'id="fp-golive-waived">1<' in page
    listed = client.get(reverse("portfolio:dashboard") + "?only=golive_waived").content.decode()
    assert "Waived go-live" in listed and "Met go-live" not in listed


def test_the_export_has_the_training_and_device_columns(client, portfolio):
    client.force_login(reviewer(username="rev"))
    response = client.get(reverse("portfolio:export"))
    text = b"".join(response.streaming_content).decode()
    rows = {row["Program"]: row for row in csv.DictReader(io.StringIO(text))}
    met = rows["Met go-live"]
    assert (met["Training events"], met["Trained participants"], met["Last training"]) == (
        "2", "24", "2026-03-03",
    )  # fmt: skip
    assert (met["Devices"], met["Working devices"], met["Devices lost or broken"]) == (
        "3", "2", "1",
    )  # fmt: skip
    assert rows["Waived go-live"]["Training events"] == "0"
