"""The closeout report: what the PDF holds, how it is requested, rendered and e-mailed (each
once), how the closeout gate and the hook use it, and how a render that fails or takes too long
ends."""

import datetime
import io
import shutil
import subprocess
import time

import pytest
from billiard.exceptions import SoftTimeLimitExceeded
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db.models import Count

from chtprograms.models import Program
from config.celery_app import app as celery_app
from core.money import format_amount, format_money
from lifecycle import gates
from lifecycle.services import GateNotMet, lifecycle_close
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.selectors import closeout_report_recipients
from personas.services import membership_add
from plan.budget.selectors import budget_summary
from plan.indicators.selectors import indicator_progress_list
from plan.risks.services import scaling_decision_record
from reports import render as reports
from reports.models import CloseoutReport, CloseoutReportDelivery, ReportStatus
from reports.services import report_email, report_render, report_request
from reports.tasks import email_closeout_report, render_closeout_report
from tests.factories import CloseoutReportFactory, ProgramFactory, UserFactory, reviewer
from tests.lifecycle.conftest import finish_activities, meet_gate
from tests.queries import assert_same_count, counting, exact_queries
from tests.services import ROOT, missing

from .reporting import (
    advance_to,
    backdate_to_closeout,
    grow_program,
    outline_titles,
    pdf_reader,
    pdf_text,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

User = get_user_model()
SECTION_TITLES = [str(title) for _anchor, title in reports.SECTIONS]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager():
    """Celery runs tasks in the test's thread (apply_async included)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def seeded():
    """The richest program of a small demo portfolio (budget spent, indicators measured)."""
    call_command("seed_demo", programs=4, seed=3, stdout=io.StringIO())
    programs = Program.objects.select_related("lead_organization", "lifecycle").annotate(
        spent=Count("budget_lines__expenditures", distinct=True),
        measured=Count("indicators__measurements", distinct=True),
    )
    return max(programs, key=lambda p: (p.spent > 0, p.measured, p.spent, p.pk))


# --- what the PDF holds ---------------------------------------------------------------------------


def test_the_pdf_of_a_seeded_program_holds_its_name_sections_budget_and_indicators(seeded):
    program = seeded
    rendered = reports.render_report(program=program, meta=reports.ReportMeta(version=3))
    text = pdf_text(rendered.pdf)
    assert program.name in text
    for title in SECTION_TITLES:
        assert title in text, title
    budget = budget_summary(program=program)
    assert budget.lines, "the seeded program has a budget"
    assert budget.actual > 0, "the seeded program has spent money"
    assert f"Total {format_money(budget.forecast, program.currency)}" in text
    assert format_money(budget.actual, program.currency) in text
    for row in budget.by_category:
        assert f"{row.label} {format_money(row.forecast, program.currency)}" in text
    indicators = indicator_progress_list(program=program)
    assert indicators
    for item in indicators:
        indicator = item.indicator
        assert indicator.name in text
        assert f"{format_amount(indicator.baseline_value)} {indicator.unit}" in text
        assert f"{format_amount(indicator.target_value)} {indicator.unit}" in text
        if item.latest:
            assert f"{format_amount(item.latest.value)} {indicator.unit}" in text
    for partner in program.partner_links.select_related("organization"):
        assert partner.organization.name in text
    assert "version 3" in text


def test_the_pdf_is_a4_with_a_cover_running_header_page_numbers_and_bookmarks(seeded):
    rendered = reports.render_report(program=seeded)
    reader = pdf_reader(rendered.pdf)
    assert rendered.page_count == len(reader.pages) >= 4
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    cover = reader.pages[0].extract_text()
    assert "Closeout report" in cover and "Page 1" not in cover  # the cover has no page number
    total = len(reader.pages)
    for number, page in enumerate(reader.pages[1:], start=2):
        text = page.extract_text()
        assert seeded.name in text  # the running header
        assert f"Page {number} of {total}" in text
    top, nested = outline_titles(rendered.pdf)
    assert top == SECTION_TITLES  # one bookmark per section, in order
    assert {"Partners", "Team", "Gate decisions", "Risks"} <= set(nested)
    assert "Contents" not in top and seeded.name not in top


def test_the_pages_look_right_as_pictures(seeded, screenshot_dir):
    """pdftoppm turns the pages into PNG (kept under var/screenshots/ for review)."""
    if not shutil.which("pdftoppm"):
        missing("pdftoppm", "install Debian's poppler-utils (apt-get install poppler-utils)")
    head = User.objects.get(username="head")
    backdate_to_closeout(seeded, head)
    scaling_decision_record(
        program=seeded,
        decision="hand_over",
        rationale="The ministry's county teams take over hosting and CHW supervision in July; "
        "Medic stays available for upgrades.",
        decided_by=head,
        decided_on=datetime.date(2026, 10, 1),
    )
    rendered = reports.render_report(
        program=seeded, meta=reports.ReportMeta(version=1, requested_by=head)
    )
    pdf = screenshot_dir / "closeout-report.pdf"
    pdf.write_bytes(rendered.pdf)
    for old in screenshot_dir.glob("closeout-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(pdf), str(screenshot_dir / "closeout-page")],
        check=True,
        timeout=120,
    )
    pages = sorted(screenshot_dir.glob("closeout-page-*.png"))
    assert len(pages) == rendered.page_count
    from PIL import Image

    for path in pages:
        with Image.open(path) as image:
            assert image.size[0] < image.size[1]  # portrait
            colours = image.convert("L").getextrema()
            assert colours[0] < 100 < colours[1], f"{path.name} looks blank"
    with Image.open(pages[0]) as cover:
        # The cover's band is the app's blue (#0b4f8a) across the top.
        assert cover.convert("RGB").getpixel((cover.size[0] // 2, 20)) == (11, 79, 138)


def test_the_timeline_chart_shows_planned_and_actual_per_stage(program, head):
    lifecycle = advance_to(program, Stage.IMPLEMENTATION, head)
    content = reports.report_content(program=program)
    svg = str(content["timeline_chart"])
    assert svg.count('class="timeline-row"') == 8
    assert svg.count('class="planned"') == 8  # every stage has a planned span
    assert svg.count('class="actual"') == 6  # initiation … implementation were entered
    assert 'role="img"' in svg and "<desc" in svg
    assert lifecycle.stage == Stage.IMPLEMENTATION


def test_the_command_renders_the_same_pdf_synchronously(seeded, tmp_path):
    output = tmp_path / "out" / "report.pdf"
    out = io.StringIO()
    call_command("closeout_report", seeded.slug, output=str(output), stdout=out)
    assert "pages" in out.getvalue() and "SHA-256" in out.getvalue()
    pdf = output.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert seeded.name in pdf_text(pdf)
    assert not CloseoutReport.objects.exists()  # an operator's check, not a version
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No program"):
        call_command("closeout_report", "no-such-program", output=str(output))


def test_reading_the_content_costs_the_same_whatever_the_size(head):
    small, large = ProgramFactory(head=head), ProgramFactory(head=head)
    grow_program(small, head, size=1)
    grow_program(large, head, size=12)
    counts = []
    for program in (small, large):
        program = Program.objects.select_related("lead_organization", "lifecycle").get(
            pk=program.pk
        )
        with counting() as queries:
            reports.render_html(program=program)
        counts.append(queries)
    assert_same_count(*counts)


def test_a_large_program_renders_a_bounded_report(head):
    """Bounded by what is laid out (pages, charts drawn), not by a clock (`make bench` times it)."""
    program = ProgramFactory(head=head)
    grow_program(program, head, size=60)  # 60 indicators × 12 values, 60 risks, 60 lessons…
    rendered = reports.render_report(program=program)
    assert rendered.page_count < 60
    text = pdf_text(rendered.pdf)
    assert "Indicator 059" in text and "Challenge 59" in text
    # Every indicator is in the table; only the first charts are drawn.
    assert "48 more indicators are in the table above without their charts." in text


# --- request, render and e-mail: each once --------------------------------------------------------


@pytest.fixture
def closeout_program(program, head):
    grow_program(program, head, size=2)
    return program


@pytest.fixture
def audience(closeout_program, head):
    """Who should receive the report: the head, a second head, a reviewer, the requester."""
    second_head = UserFactory(username="second-head")
    membership_add(program=closeout_program, user=second_head, role=PersonaRole.PROGRAM_HEAD)
    rosa = reviewer(username="rosa")
    requester = UserFactory(username="requester", is_staff=True)
    return {"heads": [head, second_head], "reviewer": rosa, "requester": requester}


def test_recipients_are_heads_reviewers_and_the_requester_each_once(closeout_program, head):
    second_head = UserFactory(username="second-head")
    membership_add(program=closeout_program, user=second_head, role=PersonaRole.PROGRAM_HEAD)
    developer = UserFactory(username="dev")
    membership_add(program=closeout_program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    rosa = reviewer(username="rosa")
    reviewer(username="inactive-reviewer", is_active=False)
    reviewer(username="silent-reviewer", email="")
    twin = reviewer(username="twin", email=head.email.upper())  # same address as the head
    former = UserFactory(username="former-head")
    membership = membership_add(
        program=closeout_program, user=former, role=PersonaRole.PROGRAM_HEAD
    )
    membership.since = datetime.date(2020, 1, 1)
    membership.until = datetime.date(2021, 1, 1)
    membership.save(update_fields=["since", "until"])
    requester = UserFactory(username="requester")
    people = closeout_report_recipients(program=closeout_program, requested_by=requester)
    addresses = sorted(user.email.lower() for user in people)
    assert addresses == sorted(
        user.email.lower() for user in (head, second_head, rosa, requester)
    )  # the head and `twin` share one address: one e-mail
    assert twin.email.lower() == head.email.lower()
    assert developer not in people
    without = closeout_report_recipients(program=closeout_program)
    assert requester not in without


def test_requesting_while_one_is_queued_returns_that_one(closeout_program, head, eager):
    first, created = report_request(program=closeout_program, requested_by=head)
    again, created_again = report_request(program=closeout_program, requested_by=head)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and first.version == 1
    assert CloseoutReport.objects.count() == 1


def test_versions_are_numbered_and_earlier_ones_stay(closeout_program, head):
    CloseoutReportFactory(program=closeout_program, version=1)
    CloseoutReportFactory(program=closeout_program, version=2, status=ReportStatus.FAILED)
    report, created = report_request(program=closeout_program, requested_by=head)
    assert created and report.version == 3
    assert CloseoutReport.objects.filter(program=closeout_program).count() == 3


def test_the_tasks_render_once_and_email_once(
    closeout_program, head, audience, eager, django_capture_on_commit_callbacks
):
    requester = audience["requester"]
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_request(program=closeout_program, requested_by=requester)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.page_count >= 4 and len(report.sha256) == 64
    assert report.file.name.endswith(f"closeout-report-{closeout_program.slug}-v1.pdf")
    expected = {u.email for u in [*audience["heads"], audience["reviewer"], requester]}
    assert {message.to[0] for message in mail.outbox} == expected
    assert len(mail.outbox) == len(expected)
    message = mail.outbox[0]
    assert closeout_program.name in message.subject and "version 1" in message.subject
    assert f"/programs/{closeout_program.slug}/reports/" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert (name, mimetype) == (report.filename, "application/pdf")
    assert content == report.file.open("rb").read()
    assert report.emailed_at is not None
    sha, stored_name = report.sha256, report.file.name

    # Running both tasks again neither makes a second version nor sends a second e-mail.
    render_closeout_report.apply(args=[report.pk])
    email_closeout_report.apply(args=[report.pk])
    report_render(report_id=report.pk, claim="another-run")
    report_email(report_id=report.pk)
    report.refresh_from_db()
    assert CloseoutReport.objects.count() == 1
    assert (report.sha256, report.file.name) == (sha, stored_name)
    assert len(mail.outbox) == len(expected)
    assert CloseoutReportDelivery.objects.filter(sent_at__isnull=False).count() == len(expected)


def test_an_address_the_smtp_server_refused_is_retried_alone(
    closeout_program, head, audience, monkeypatch
):
    report, _ = report_request(program=closeout_program, requested_by=head)
    report = report_render(report_id=report.pk, claim="t")
    rosa = audience["reviewer"].email
    original = mail.EmailMultiAlternatives.send

    def flaky(message, *args, **kwargs):
        if message.to == [rosa]:
            raise ConnectionRefusedError("SMTP server down")
        return original(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    outcome = report_email(report_id=report.pk)
    assert [address for address, _error in outcome.failed] == [rosa]
    report.refresh_from_db()
    assert report.emailed_at is None
    assert CloseoutReportDelivery.objects.get(email=rosa).error.startswith("ConnectionRefused")
    sent_before = len(mail.outbox)
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", original)
    outcome = report_email(report_id=report.pk)
    assert outcome.sent == [rosa] and not outcome.failed
    assert [message.to for message in mail.outbox[sent_before:]] == [[rosa]]
    report.refresh_from_db()
    assert report.emailed_at is not None
    assert report_email(report_id=report.pk).sent == []


def test_a_claim_without_an_outcome_is_never_sent_again(closeout_program, head):
    """A worker that died between claiming and sending: at most one e-mail, never two."""
    report, _ = report_request(program=closeout_program, requested_by=head)
    report = report_render(report_id=report.pk, claim="t")
    CloseoutReportDelivery.objects.create(report=report, recipient=head, email=head.email)
    outcome = report_email(report_id=report.pk)
    assert head.email in outcome.skipped
    assert head.email not in [message.to[0] for message in mail.outbox]


def test_a_render_claimed_by_a_live_task_is_left_alone(closeout_program, head):
    report, _ = report_request(program=closeout_program, requested_by=head)
    CloseoutReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RENDERING, claim_token="task-a", started_at=report.requested_at
    )
    from django.utils import timezone

    CloseoutReport.objects.filter(pk=report.pk).update(started_at=timezone.now())
    assert report_render(report_id=report.pk, claim="task-b").status == ReportStatus.RENDERING
    # The same task, retried, resumes its own claim.
    assert report_render(report_id=report.pk, claim="task-a").status == ReportStatus.READY
    # A claim left by a dead worker (older than the hard time limit) is taken over.
    other, _ = report_request(program=closeout_program, requested_by=head)
    CloseoutReport.objects.filter(pk=other.pk).update(
        status=ReportStatus.RENDERING,
        claim_token="dead",
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert report_render(report_id=other.pk, claim="task-c").status == ReportStatus.READY


# --- failures -------------------------------------------------------------------------------------


def test_a_failing_render_is_failed_with_its_reason(closeout_program, head, monkeypatch, eager):
    def broken(**kwargs):
        raise ValueError("the chart module is broken")

    monkeypatch.setattr(reports, "render_report", broken)
    report, _ = report_request(program=closeout_program, requested_by=head)
    assert render_closeout_report.apply(args=[report.pk]).get() == ReportStatus.FAILED
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    # A plain reason on the page; the exception text only in the log.
    assert report.error_message.startswith("The report could not be made because of an error")
    assert "chart module" not in report.error_message
    assert not report.file and not mail.outbox
    # A failed version is final; asking again makes the next version.
    assert report_request(program=closeout_program, requested_by=head)[0].version == 2


def test_a_render_over_the_time_limit_fails_with_a_clear_message(
    closeout_program, head, monkeypatch, settings
):
    settings.CLOSEOUT_REPORT_TIME_LIMIT = 0.3
    real_layout = reports._layout

    def slow(html):
        time.sleep(3)
        return real_layout(html)

    monkeypatch.setattr(reports, "_layout", slow)
    report, _ = report_request(program=closeout_program, requested_by=head)
    started = time.monotonic()
    report = report_render(report_id=report.pk, claim="t")
    assert time.monotonic() - started < 2.5
    assert report.status == ReportStatus.FAILED
    assert "took longer than 0.3 seconds to render" in report.error_message


def test_the_workers_soft_time_limit_fails_the_version_with_a_clear_message(
    closeout_program, head, monkeypatch, eager
):
    def interrupted(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reports, "render_report", interrupted)
    report, _ = report_request(program=closeout_program, requested_by=head)
    render_closeout_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "longer than the worker's time limit (300 seconds)" in report.error_message


# --- the lifecycle: entering closeout, and the closeout gate --------------------------------------


def test_entering_closeout_queues_the_first_version_for_whoever_decided(
    program, head, django_capture_on_commit_callbacks
):
    lifecycle = advance_to(program, Stage.SUPPORT, head)
    meet_gate(program, Stage.SUPPORT, head)
    assert not CloseoutReport.objects.exists()
    from lifecycle.services import lifecycle_advance

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_advance(lifecycle=lifecycle, by=head)
    report = CloseoutReport.objects.get(program=program)
    assert (report.version, report.requested_by, report.status) == (1, head, ReportStatus.QUEUED)


def test_the_closeout_gate_needs_a_scaling_decision_and_a_ready_report(program, head):
    lifecycle = advance_to(program, Stage.CLOSEOUT, head)
    finish_activities(program, Stage.CLOSEOUT, head)
    with pytest.raises(GateNotMet) as refused:
        lifecycle_close(lifecycle=lifecycle, by=head)
    message = " ".join(refused.value.messages)
    assert "Scaling decision recorded" in message and "Closeout report generated" in message
    results = {result.id: result for result in gates.evaluate(lifecycle)}
    assert results["closeout.scaling_decision"].url == f"/programs/{program.slug}/scaling-decision/"
    assert results["closeout.report_generated"].url == f"/programs/{program.slug}/reports/"
    assert results["closeout.report_generated"].detail == "No report generated yet"
    CloseoutReportFactory(program=program, version=1, status=ReportStatus.FAILED)
    CloseoutReportFactory(program=program, version=2, status=ReportStatus.QUEUED)
    results = {result.id: result for result in gates.evaluate(lifecycle)}
    assert results["closeout.report_generated"].detail == "Version 2 is being made"
    assert not results["closeout.report_generated"].met
    meet_gate(program, Stage.CLOSEOUT, head)  # records a decision and a ready version
    lifecycle_close(lifecycle=lifecycle, by=head, note="Handed over")
    assert lifecycle.stage == Stage.CLOSED


def test_the_closeout_gate_reads_its_facts_once_and_in_bulk(program, head):
    lifecycle = advance_to(program, Stage.CLOSEOUT, head)
    context = gates.GateContext(lifecycle)
    with exact_queries(3):  # activities, scaling decision, report versions
        gates.evaluate(lifecycle, context=context)
    with exact_queries(0):
        gates.evaluate(lifecycle, context=context)
    others = [advance_to(ProgramFactory(head=head), Stage.CLOSEOUT, head) for _ in range(3)]
    contexts = [gates.GateContext(lc) for lc in [lifecycle, *others]]
    with exact_queries(2):  # one per closeout fact, for all four programs
        gates.preload_facts(contexts)
    assert all("closeout_reports" in context._facts for context in contexts)


# --- rendering needs nothing from the network or the disk -----------------------------------------


def test_the_report_module_ships_its_own_assets():
    """The PDF template and its CSS point at no URL but the emoji font shipped with the
    application (served by the report's fetcher by name): everything else is inline."""
    template = (ROOT / "templates" / "reports" / "closeout.html").read_text()
    css = (ROOT / "templates" / "reports" / "_closeout.css").read_text()
    bundled = 'url("bundled-font:noto-emoji")'
    assert css.count(bundled) == 1
    css = css.replace(bundled, "")
    for text in (template, css):
        assert "url(" not in text and "http://" not in text and "https://" not in text
        assert "<link" not in text and "<img" not in text and "@import" not in text
