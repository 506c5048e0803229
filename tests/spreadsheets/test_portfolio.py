"""`/portfolio/export.xlsx`: the CSV export's rows as a workbook, formula-safe, same filters."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    BudgetLineFactory,
    ExpenditureFactory,
    ProgramFactory,
    UserFactory,
    bulk_programs,
    reviewer,
)
from tests.queries import assert_same_count, get_counted

pytestmark = pytest.mark.django_db

EXPORT = reverse("spreadsheets:portfolio-export")


def rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="cht-portfolio-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Portfolio"]
    cells = list(sheet.iter_rows())
    assert all(cell.data_type != "f" for row in cells for cell in row)
    header = [cell.value for cell in cells[0]]
    return [dict(zip(header, (cell.value for cell in row), strict=True)) for row in cells[1:]]


def test_the_workbook_has_the_filtered_programs_with_their_figures(client):
    bulk_programs(12)
    program = ProgramFactory(
        name='=HYPERLINK("http://evil.example")', slug="siaya-chv", country="KE", currency="KES"
    )
    line = BudgetLineFactory(program=program, forecast_amount="200000.00")
    ExpenditureFactory(line=line, amount="50000.00")
    client.force_login(reviewer())
    assert len(rows(client.get(EXPORT))) == 13
    kenya = rows(client.get(EXPORT + "?country=KE&sort=-spent"))
    assert len(kenya) == 4
    siaya = kenya[0]
    assert siaya["Program"] == '\'=HYPERLINK("http://evil.example")'
    assert siaya["Address"] == "http://testserver/programs/siaya-chv/"
    assert (siaya["Forecast"], siaya["Spent"], siaya["Spent %"]) == (200000, 50000, 25)
    assert isinstance(siaya["Planned start"], datetime.datetime)


def test_a_member_exports_only_their_programs(client):
    person = UserFactory()
    ProgramFactory(head=person, name="Mine", slug="mine")
    ProgramFactory(name="Not mine", slug="not-mine")
    client.force_login(person)
    assert [row["Program"] for row in rows(client.get(EXPORT))] == ["Mine"]


def test_query_count_of_the_workbook_is_the_same_at_10_and_200_programs(client):
    client.force_login(reviewer())
    bulk_programs(10, prefix="small")
    small, _response = get_counted(client, EXPORT)
    bulk_programs(190, prefix="large")
    large, response = get_counted(client, EXPORT)
    assert_same_count(small, large)
    assert len(rows(response)) == 200
