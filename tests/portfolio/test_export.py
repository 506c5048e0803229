"""`/portfolio/export.csv`: the filtered list, streamed, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from personas.models import PersonaRole
from personas.services import membership_add
from portfolio.views import neutralize
from tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
    bulk_programs,
    reviewer,
)

pytestmark = pytest.mark.django_db

EXPORT = reverse("portfolio:export")


def export(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(EXPORT + query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cht-portfolio-')
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_lists_the_filtered_programs_with_their_figures(client):
    bulk_programs(12)
    program = ProgramFactory(
        name="Siaya CHV maternal health", slug="siaya-chv", country="KE", currency="KES"
    )
    line = BudgetLineFactory(program=program, forecast_amount="200000.00")
    ExpenditureFactory(line=line, amount="50000.00")
    client.force_login(reviewer())
    rows = export(client)
    assert len(rows) == 13
    rows = export(client, "?country=KE&sort=-spent")
    assert len(rows) == 1 + 3  # Siaya and three of the bulk programs are in Kenya
    siaya = next(row for row in rows if row["Program"] == "Siaya CHV maternal health")
    assert siaya["Address"] == "http://testserver/programs/siaya-chv/"
    assert siaya["Type"] == "Accompanied"
    assert siaya["Country"] == "Kenya"
    assert siaya["Stage"] == "Initiation"
    assert siaya["Health"] == "On track"
    assert siaya["Currency"] == "KES"
    assert (siaya["Forecast"], siaya["Spent"], siaya["Spent %"]) == ("200000.00", "50000.00", "25")
    assert siaya["Days in stage"] == "0"
    assert siaya["Overdue activities"] == "0"
    assert siaya["Past the stage's planned end"] == "no"
    # Sorted as asked: the most spent first (bulk programs have spent 2.5%).
    assert [row["Spent %"] for row in rows] == ["25", "3", "3", "3"]


def test_cells_that_a_spreadsheet_would_run_are_neutralized(client):
    lead = OrganizationFactory(name="@SUM(1+1)*cmd|' /C calc'!A0")
    for name, slug in [
        ('=HYPERLINK("http://evil.example","click")', "evil-1"),
        ("+1+1", "evil-2"),
        ("-2+3", "evil-3"),
        ("@SUM(A1:A9)", "evil-4"),
        ("Plain = fine", "plain"),
    ]:
        ProgramFactory(name=name, slug=slug, lead_organization=lead)
    client.force_login(reviewer())
    rows = {row["Address"].rsplit("/", 2)[-2]: row for row in export(client)}
    assert rows["evil-1"]["Program"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows["evil-2"]["Program"] == "'+1+1"
    assert rows["evil-3"]["Program"] == "'-2+3"
    assert rows["evil-4"]["Program"] == "'@SUM(A1:A9)"
    assert rows["plain"]["Program"] == "Plain = fine"
    for row in rows.values():
        assert row["Lead organization"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


def test_neutralize_leaves_numbers_and_other_text_alone():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("\t=1") == "'\t=1"
    assert neutralize("Kenya") == "Kenya"
    assert neutralize(-3) == -3
    assert neutralize("") == ""


def test_a_member_exports_only_their_programs(client):
    member = UserFactory()
    mine = ProgramFactory(name="Mine", slug="mine")
    membership_add(program=mine, user=member, role=PersonaRole.SOFTWARE_DEVELOPER)
    ProgramFactory(name="Someone else's", slug="theirs")
    bulk_programs(5)
    client.force_login(member)
    assert [row["Program"] for row in export(client)] == ["Mine"]
