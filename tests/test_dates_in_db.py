"""Rows saved before dates were bounded (or written around the services) cannot break a page.

Every date column of every model is set, straight in the database, to 9999-12-31, to
0001-01-01, or to a spread of both (starts at 0001, ends at 9999); then every page of the app
answers, for the head and for a portfolio reviewer, the closeout report lays out as a PDF, and
the reminder scan and the digest e-mail are made."""

import datetime

import pytest
from django.apps import apps
from django.core import mail
from django.db import models

from reminders import scan as reminders
from reminders.models import DigestDispatch
from reminders.services import digest_deliver, digests_send_due
from reports.render import render_html, render_report
from tests.reports.reporting import pdf_text
from tests.world import build_world, every_page

pytestmark = pytest.mark.django_db

APPS = ("chtprograms", "personas", "lifecycle", "plan", "reminders", "reports")
FIRST, LAST = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)
TODAY = datetime.date(2027, 3, 1)
#: Date columns that open a span: in the "spread" case they get the first day, the others the
#: last, so that spans run from year 1 to year 9999.
OPENING = ("start", "since", "signed", "approved", "baseline", "last_", "effective", "recorded")


def date_columns():
    for config in apps.get_app_configs():
        if config.label not in APPS:
            continue
        for model in config.get_models():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.DateField)
                and not isinstance(field, models.DateTimeField)
            ]
            if fields:
                yield model, fields


def set_every_date(case: str) -> int:
    written = 0
    for model, fields in date_columns():
        values = {}
        for name in fields:
            if case == "spread":
                values[name] = FIRST if name.startswith(OPENING) or "start" in name else LAST
            else:
                values[name] = LAST if case == "last" else FIRST
        written += model._base_manager.update(**values)
    return written


def test_every_date_column_of_the_domain_is_covered():
    covered = {f"{model._meta.label}.{name}" for model, names in date_columns() for name in names}
    assert {
        "chtprograms.Program.planned_end",
        "plan.Measurement.period_end",
        "lifecycle.StagePlan.planned_start",
        "personas.Membership.since",
        "reminders.Notification.due_on",
    } <= covered


@pytest.mark.parametrize("case", ["last", "first", "spread"])
def test_pages_report_and_reminders_survive_dates_out_of_range(client, case):
    world = build_world()
    assert set_every_date(case) > 20
    pages = every_page(world)
    for user in (world["head"], world["reviewer"]):
        client.force_login(user)
        for name, url in pages:
            response = client.get(url)
            assert response.status_code < 500, (case, name, response.status_code)
    program = world["program"]
    program.refresh_from_db()
    assert program.name in render_html(program=program)
    assert program.name in pdf_text(render_report(program=program).pdf)
    # The reminder scan, the digest and the bell.
    found = reminders.scan([reminders.Recipient(user_id=world["head"].pk, today=TODAY)])
    assert isinstance(found, dict)
    DigestDispatch.objects.all().delete()
    run = digests_send_due(now=datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC))
    for dispatch_id in run.dispatch_ids:
        assert digest_deliver(dispatch_id=dispatch_id) == "sent"
    assert len(mail.outbox) == len(run.dispatch_ids)
