"""A failed closeout report tells the reader what happened in plain words; the exception's text
(which can name files, modules and values) goes to the server log only."""

import logging

import pytest
from django.urls import reverse

from reports import render as reports
from reports.models import ReportStatus
from reports.services import report_render, report_request

pytestmark = pytest.mark.django_db

SECRET = "FileNotFoundError: /srv/app/secrets/weasyprint-cache/report.tmp"


def test_a_failed_render_shows_a_plain_reason_and_logs_the_detail(
    client, program, head, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError(SECRET)

    monkeypatch.setattr(reports, "render_report", broken)
    report, _created = report_request(program=program, requested_by=head)
    with caplog.at_level(logging.ERROR, logger="reports.services"):
        report = report_render(report_id=report.pk, claim="task-1")
    assert report.status == ReportStatus.FAILED
    assert "secrets" not in report.error_message and "RuntimeError" not in report.error_message
    assert report.error_message.startswith(
        "The report could not be made because of an error in the application."
    )
    assert SECRET in caplog.text  # the technical detail is kept for the operators
    client.force_login(head)
    page = client.get(reverse("reports:reports", args=[program.slug])).content.decode()
    assert "The report could not be made because of an error in the application." in page
    assert "secrets" not in page and "RuntimeError" not in page
