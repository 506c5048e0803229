"""The reports page of a program: who sees it, who downloads, who regenerates; its refreshing
while a version is being made; a failed version with its reason; a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import CloseoutReport, CloseoutReportDelivery, ReportStatus
from tests.factories import CloseoutReportFactory, UserFactory, reviewer
from tests.queries import exact_queries, pinned

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PDF = b"%PDF-1.7\n%stand-in\n"


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ready(program, head):
    return CloseoutReportFactory(program=program, version=1, requested_by=head)


def reports_url(program):
    return reverse("reports:reports", args=[program.slug])


def download_url(program, version):
    return reverse("reports:report-download", args=[program.slug, version])


def generate_url(program):
    return reverse("reports:report-generate", args=[program.slug])


def test_anonymous_people_are_sent_to_the_login_page(client, program, ready):
    for url in (reports_url(program), download_url(program, 1)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(generate_url(program)).status_code == 302
    assert CloseoutReport.objects.count() == 1


def test_outsiders_get_404_everywhere(client, program, ready, outsider):
    client.force_login(outsider)
    assert client.get(reports_url(program)).status_code == 404
    assert client.get(download_url(program, 1)).status_code == 404
    assert client.post(generate_url(program)).status_code == 404
    assert CloseoutReport.objects.count() == 1


def test_team_members_and_reviewers_read_and_download_but_do_not_regenerate(
    client, program, ready, developer
):
    rosa = reviewer(username="rosa")
    for person in (developer, rosa):
        client.force_login(person)
        page = client.get(reports_url(program))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Generate a new version" not in html
        assert download_url(program, 1) in html
        response = client.get(download_url(program, 1))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="closeout-report-{program.slug}-v1.pdf"'
        )
        assert b"".join(response.streaming_content) == PDF
        assert client.post(generate_url(program)).status_code == 403
    assert CloseoutReport.objects.count() == 1


def test_the_head_regenerates_and_earlier_versions_stay(client, program, ready, head):
    client.force_login(head)
    html = client.get(reports_url(program)).content.decode()
    assert "Generate a new version" in html
    response = client.post(generate_url(program), follow=True)
    assert "Version 2 is queued." in response.content.decode()
    assert list(CloseoutReport.objects.values_list("version", "status")) == [
        (2, ReportStatus.QUEUED),
        (1, ReportStatus.READY),
    ]
    response = client.post(generate_url(program), follow=True)
    assert "Version 2 is already being made" in response.content.decode()
    assert CloseoutReport.objects.count() == 2
    assert client.get(download_url(program, 1)).status_code == 200
    assert client.get(download_url(program, 2)).status_code == 404  # not ready yet
    assert client.get(download_url(program, 9)).status_code == 404
    assert client.get(generate_url(program)).status_code == 405


def test_site_staff_may_regenerate(client, program, staff):
    client.force_login(staff)
    assert client.post(generate_url(program)).status_code == 302
    assert CloseoutReport.objects.get().requested_by == staff


def test_the_list_refreshes_itself_only_while_a_version_is_being_made(client, program, head):
    client.force_login(head)
    report = CloseoutReportFactory(program=program, version=1, status=ReportStatus.RENDERING)
    page = client.get(reports_url(program)).content.decode()
    assert 'hx-trigger="every 3s"' in page and "Rendering" in page
    fragment = client.get(reports_url(program), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="report-list"') and "<nav" not in html
    assert 'hx-trigger="every 3s"' in html
    CloseoutReport.objects.filter(pk=report.pk).update(status=ReportStatus.READY)
    html = client.get(reports_url(program), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "Ready" in html


def test_a_failed_version_shows_failed_with_its_reason(client, program, head):
    CloseoutReportFactory(
        program=program,
        version=1,
        status=ReportStatus.FAILED,
        file=None,
        error_message="The report took longer than 240 seconds to render and was stopped.",
    )
    client.force_login(head)
    html = client.get(reports_url(program)).content.decode()
    assert "Failed" in html
    assert "The report took longer than 240 seconds to render and was stopped." in html
    assert download_url(program, 1) not in html


def test_the_page_says_who_received_it(client, program, head, ready):
    for index in range(3):
        CloseoutReportDelivery.objects.create(
            report=ready, email=f"p{index}@example.org", sent_at=timezone.now()
        )
    CloseoutReportDelivery.objects.create(report=ready, email="pending@example.org")
    CloseoutReport.objects.filter(pk=ready.pk).update(emailed_at=timezone.now())
    client.force_login(head)
    html = client.get(reports_url(program)).content.decode()
    assert "to 3 people on" in html


def test_the_reports_tab_is_in_the_program_header(client, program, head):
    client.force_login(head)
    for url in (reports_url(program), reverse("audit:history", args=[program.slug])):
        html = client.get(url).content.decode()
        assert f'href="{reports_url(program)}">Reports</a>' in html
    html = client.get(reports_url(program)).content.decode()
    assert 'aria-current="page" href="/programs/kenya-chv/reports/">Reports' in html
    assert "No report yet" in html


@pytest.mark.parametrize("size", [1, 12])
def test_the_reports_page_query_count_does_not_grow(client, program, head, size):
    for version in range(1, size + 1):
        report = CloseoutReportFactory(
            program=program,
            version=version,
            requested_by=UserFactory(),
            status=ReportStatus.READY if version < size else ReportStatus.QUEUED,
        )
        for index in range(3):
            CloseoutReportDelivery.objects.create(
                report=report, email=f"{version}-{index}@example.org", sent_at=timezone.now()
            )
    client.force_login(head)
    client.get(reports_url(program))  # warm the per-process caches (e.g. content types)
    # session, user, reviewer check, program (+ lifecycle), the versions (+ requesters, e-mail
    # counts), the head's roles (for the regenerate button), the notification bell's unread count
    with exact_queries(pinned("closeout reports page")):
        response = client.get(reports_url(program))
    html = response.content.decode()
    assert html.count('class="report-row') == size
