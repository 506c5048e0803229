"""The budget tab in spreadsheets: exports, the template, and the import with its preview."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plan.budget.models import BudgetLine
from plan.budget.services import budget_line_create, expenditure_create
from spreadsheets import files, sheets
from spreadsheets.tabs import SHEETS
from tests.factories import BudgetLineFactory
from tests.queries import assert_same_count, counting
from tests.translations import compile_messages, english_afterwards  # noqa: F401 (autouse)

pytestmark = pytest.mark.django_db

HEADER = "No.,Category,Stage,Description,Forecast amount,Note\n"


def upload(client, program, content: bytes, name="budget.csv"):
    return client.post(
        reverse("spreadsheets:import", args=[program.slug, "budget-lines"]),
        {"file": SimpleUploadedFile(name, content)},
    )


def confirm(client, program, response):
    token = response.context["token"]
    return client.post(
        reverse("spreadsheets:import", args=[program.slug, "budget-lines"]),
        {"confirm": "1", "token": token},
    )


def xlsx(rows, title="Budget lines", merge=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def signed_in(client, head):
    client.force_login(head)
    return client


def test_an_import_with_errors_saves_nothing_then_its_correction_is_confirmed(signed_in, program):
    bad = (
        HEADER
        + ',Devices,,Smartphones for 200 CHVs,"1,500.50",\n'
        + ",Gadgets,Planning,Tablets,10,\n"
        + ",Training,Nowhere,Training days,-5,\n"
        + ',Travel,,=HYPERLINK("http://x"),3,\n'
    )
    response = upload(signed_in, program, bad.encode())
    assert response.status_code == 400
    plan = response.context["plan"]
    assert [row.action for row in plan.rows] == ["create", "error", "error", "error"]
    errors = " ".join(" ".join(row.errors) for row in plan.rows)
    assert "“Gadgets” is not an allowed category" in errors
    assert "“Nowhere” is not an allowed stage" in errors
    assert "A forecast cannot be negative." in errors
    assert "formulas are not imported" in errors
    assert "token" not in response.context
    assert b"Nothing was saved." in response.content
    assert not BudgetLine.objects.filter(program=program).exists()

    good = (
        HEADER
        + ',Devices,,Smartphones for 200 CHVs,"1,500.50",\n'
        + ",devices,planning,Tablets,10,\n"
        + ",Training,Design,Training days,5,Two days\n"
    )
    response = upload(signed_in, program, good.encode())
    assert response.status_code == 200
    assert response.context["plan"].counts == {"create": 3, "change": 0, "same": 0, "error": 0}
    assert not BudgetLine.objects.filter(program=program).exists()  # a preview writes nothing
    done = confirm(signed_in, program, response)
    assert done.status_code == 302
    lines = {line.name: line for line in BudgetLine.objects.filter(program=program)}
    assert lines["Smartphones for 200 CHVs"].forecast_amount == Decimal("1500.50")
    assert lines["Tablets"].stage == "planning"
    assert lines["Training days"].note == "Two days"

    # the same file again: nothing to do
    again = upload(signed_in, program, good.encode())
    assert again.context["plan"].counts == {"create": 0, "change": 0, "same": 3, "error": 0}
    confirm(signed_in, program, again)
    assert BudgetLine.objects.filter(program=program).count() == 3


def test_an_export_reimported_changes_nothing_and_an_edit_is_a_change(signed_in, program):
    line = budget_line_create(
        program=program, category="hosting", name='=cmd|"/c calc"!A0', forecast_amount=120
    )
    budget_line_create(program=program, category="travel", name="Field visits", forecast_amount=80)
    expenditure_create(
        program=program, line=line, date="2027-01-05", amount=20, description="+Invoice 1"
    )
    exported = signed_in.get(
        reverse("spreadsheets:export", args=[program.slug, "budget-lines", "xlsx"])
    )
    assert exported.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    assert book.sheetnames == ["Budget lines"]
    cells = [cell for row in book["Budget lines"].iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert '\'=cmd|"/c calc"!A0' in [cell.value for cell in cells]
    spent = signed_in.get(
        reverse("spreadsheets:export", args=[program.slug, "expenditures", "xlsx"])
    )
    spent_book = openpyxl.load_workbook(io.BytesIO(spent.content))
    assert spent_book.sheetnames == ["Expenditures"]
    assert spent_book["Expenditures"]["E2"].value == "'+Invoice 1"

    again = upload(signed_in, program, exported.content, name="export.xlsx")
    assert again.status_code == 200
    assert again.context["plan"].counts == {"create": 0, "change": 0, "same": 2, "error": 0}

    book["Budget lines"]["E3"] = 95  # Field visits (sorted by category: hosting, travel)
    buffer = io.BytesIO()
    book.save(buffer)
    changed = upload(signed_in, program, buffer.getvalue(), name="export.xlsx")
    rows = changed.context["plan"].rows
    assert [(row.action, row.changes) for row in rows] == [
        ("same", []),
        ("change", ["Forecast amount"]),
    ]
    confirm(signed_in, program, changed)
    assert BudgetLine.objects.get(name="Field visits").forecast_amount == 95


def test_the_csv_exports_are_formula_safe(signed_in, program):
    budget_line_create(program=program, category="other", name="@SUM(A1)", forecast_amount=1)
    response = signed_in.get(
        reverse("spreadsheets:export", args=[program.slug, "budget-lines", "csv"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Category", "Stage"]
    assert rows[1][3] == "'@SUM(A1)"


def test_the_template_has_the_help_and_the_allowed_values(signed_in, program):
    response = signed_in.get(reverse("spreadsheets:template", args=[program.slug, "budget-lines"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Budget lines", "Help"]
    help_rows = {row[0]: row for row in book["Help"].iter_rows(min_row=2, values_only=True)}
    assert help_rows["Category"][1] == "required"
    assert "Personnel; Devices; Hosting" in help_rows["Category"][3]
    validations = book["Budget lines"].data_validations.dataValidation
    assert any("Personnel" in rule.formula1 for rule in validations)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            HEADER.encode() + b",Devices,,Phones,1,\n",
            "really-a-csv.xlsx",
            "is not an Excel workbook",
        ),
        (xlsx([["Category"]], title="Sheet1"), "wrong.xlsx", "no sheet named “Budget lines”"),
        (
            xlsx([HEADER.strip().split(","), ["", "Devices", "", "Phones", 1, ""]], merge="A1:B1"),
            "merged.xlsx",
            "has merged cells (A1:B1)",
        ),
        ("Catégorie;x\n".encode("latin-1"), "latin.csv", "not UTF-8 text"),
        (b"not a table", "notes.pdf", "Upload an .xlsx workbook or a .csv file."),
        (b"", "empty.csv", "The file is empty."),
        (b"Foo,Bar\n1,2\n", "other.csv", "Missing columns: Category, Description"),
    ],
    ids=["csv-named-xlsx", "wrong-sheet", "merged-cells", "not-utf8", "pdf", "empty", "columns"],
)
def test_hostile_files_get_a_clear_message(signed_in, program, content, name, message):
    response = upload(signed_in, program, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BudgetLine.objects.filter(program=program).exists()


def test_a_zip_bomb_is_refused_before_it_is_opened(signed_in, program, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    opened = []
    monkeypatch.setattr(files.openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    response = upload(signed_in, program, buffer.getvalue(), name="bomb.xlsx")
    assert response.status_code == 400
    assert "zip bomb" in response.content.decode()
    assert opened == []


def test_a_file_over_50_mb_is_refused_before_it_is_read():
    class Huge:
        name = "big.csv"
        size = files.MAX_BYTES + 1

        def read(self, *args):
            raise AssertionError("read")

    with pytest.raises(files.FileRefused, match="larger than 50 MB"):
        files.read_rows(Huge(), sheet_names=("Budget lines",))


def test_a_formula_in_a_workbook_is_an_error_on_its_row(signed_in, program):
    content = xlsx([HEADER.strip().split(","), ["", "Devices", "", "Phones", "=2*3", ""]])
    response = upload(signed_in, program, content, name="formula.xlsx")
    assert response.status_code == 400
    (row,) = response.context["plan"].rows
    assert row.errors == ["Forecast amount: formulas are not imported; type the value itself."]


def test_the_preview_expires_with_another_program_or_token(signed_in, program, head):
    from tests.factories import ProgramFactory

    other = ProgramFactory(head=head, slug="other", name="Other")
    response = upload(signed_in, program, (HEADER + ",Devices,,Phones,1,\n").encode())
    stolen = signed_in.post(
        reverse("spreadsheets:import", args=[other.slug, "budget-lines"]),
        {"confirm": "1", "token": response.context["token"]},
    )
    assert stolen.status_code == 302
    assert not BudgetLine.objects.exists()


def test_who_may_export_and_import(client, program, developer, outsider):
    export = reverse("spreadsheets:export", args=[program.slug, "budget-lines", "xlsx"])
    page = reverse("spreadsheets:import", args=[program.slug, "budget-lines"])
    client.force_login(outsider)
    assert client.get(export).status_code == 404
    assert client.get(page).status_code == 404
    client.force_login(developer)
    assert client.get(export).status_code == 200
    assert client.get(page).status_code == 403
    assert (
        client.post(page, {"file": SimpleUploadedFile("b.csv", HEADER.encode())}).status_code == 403
    )


def test_query_count_of_an_import_preview_is_the_same_at_2_and_40_rows(program):
    for index in range(40):
        BudgetLineFactory(program=program, name=f"Line {index}")

    def rows(count):
        return [HEADER.strip().split(",")] + [
            ["", "Devices", "", f"Line {index}", "10", ""] for index in range(count)
        ]

    with counting() as small:
        sheets.plan_import(sheet=SHEETS["budget-lines"], program=program, rows=rows(2))
    with counting() as large:
        planned = sheets.plan_import(sheet=SHEETS["budget-lines"], program=program, rows=rows(40))
    assert_same_count(small, large)
    assert small.count == 1
    assert planned.valid


def test_the_template_and_the_import_speak_the_readers_language(signed_in, program, head):
    from tests.reminders.helpers import set_profile

    compile_messages()
    set_profile(head, language="fr")
    signed_in.cookies["django_language"] = "fr"
    response = signed_in.get(reverse("spreadsheets:template", args=[program.slug, "budget-lines"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Lignes budgétaires", "Aide"]
    header = [cell.value for cell in book["Lignes budgétaires"][1]]
    assert header[:2] == ["N°", "Catégorie"]
    help_rows = {row[0]: row for row in book["Aide"].iter_rows(min_row=2, values_only=True)}
    assert help_rows["Catégorie"][1] == "obligatoire"
    book["Lignes budgétaires"].append(
        [None, help_rows["Catégorie"][3].split("; ")[1], None, "Téléphones", 12]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(signed_in, program, buffer.getvalue(), name="modele.xlsx")
    assert preview.status_code == 200, preview.context["plan"].rows[0].errors
    assert b"1 \xc3\xa0 ajouter" in preview.content
    confirm(signed_in, program, preview)
    assert BudgetLine.objects.get(program=program).category == "devices"
