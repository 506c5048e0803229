"""Every record tab in spreadsheets: an export re-imported changes nothing, a new row from the
template is created through the tab's services (and its trail says "import"), a changed cell
is a change, and each tab's own rules and references give a row error, not a 500."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lifecycle.models import ActivityStatus, StageActivity
from personas.models import Membership, PersonaRole
from personas.services import membership_add
from plan.chw_support.models import CHWSupport
from plan.indicators.models import Measurement
from spreadsheets import sheets
from spreadsheets.tabs import SHEETS
from tests.factories import IndicatorFactory, MeasurementFactory, ProgramFactory, UserFactory
from tests.queries import assert_same_count, counting
from tests.world import build_world

pytestmark = pytest.mark.django_db

#: A new row for each tab that creates records: column label → cell.
NEW_ROWS = {
    "budget-lines": {"Category": "Travel", "Description": "Field visits", "Forecast amount": 80},
    "expenditures": {
        "Budget line": "{line}",
        "Date": "2027-01-05",
        "Amount": "12.50",
        "Description": "Fuel",
    },
    "team": {"E-mail": "newcomer@example.org", "Role": "Researcher"},
    "indicators": {
        "Name": "Households visited",
        "Unit": "households",
        "Direction": "Increase",
        "Baseline value": 10,
        "Baseline date": "2027-01-01",
        "Target value": 200,
        "Target date": "2027-12-31",
        "Measured": "Monthly",
    },
    "measurements": {
        "Indicator": "{indicator}",
        "Period end": "2027-05-31",
        "Value": 42,
        "Source": "CHT dashboard",
    },
    "risks": {
        "Risk": "Phones stolen",
        "Likelihood": "Low",
        "Impact": "High",
        "Owner": "head@example.org",
        "Status": "Open",
    },
    "lessons": {
        "Stage": "Planning",
        "What happened": "The kick-off slipped",
        "What we learned": "Book the hall early",
        "Date": "2027-01-20",
    },
    "training": {
        "Kind": "Refresher",
        "Starts on": "2027-04-01",
        "Ends on": "2027-04-02",
        "Place": "Siaya",
        "Participants": 20,
        "Facilitators": 2,
    },
    "devices": {
        "Model": "Samsung A14",
        "IMEI": "356938035643809",
        "Android version": "13",
        "RAM (GB)": 4,
        "Storage (GB)": 64,
        "Status": "In use",
    },
}


@pytest.fixture
def world(client):
    built = build_world()
    UserFactory(username="newcomer")
    client.force_login(built["head"])
    built["client"] = client
    return built


def url(name, world, key, *extra):
    return reverse(f"spreadsheets:{name}", args=[world["program"].slug, key, *extra])


def upload(world, key, content: bytes, name: str):
    return world["client"].post(
        url("import", world, key), {"file": SimpleUploadedFile(name, content)}
    )


def confirm(world, key, response):
    assert response.status_code == 200, _errors(response)
    return world["client"].post(
        url("import", world, key), {"confirm": "1", "token": response.context["token"]}
    )


def _errors(response):
    plan = response.context.get("plan") if response.context else None
    if plan is None:
        return response.content.decode()[:500]
    return plan.file_errors, [(row.number, row.errors) for row in plan.rows]


def workbook_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _count_trail() -> int:
    from simple_history.models import registered_models

    return sum(model.history.model.objects.count() for model in registered_models.values())


@pytest.mark.parametrize("key", list(SHEETS))
def test_an_export_reimported_changes_nothing(world, key):
    exported = world["client"].get(url("export", world, key, "xlsx"))
    assert exported.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book[SHEETS[key].title()]
    records = SHEETS[key].records(world["program"]).count()
    assert records >= 1
    assert sheet.max_row == records + 1
    before = _count_trail()
    again = upload(world, key, exported.content, "export.xlsx")
    assert again.status_code == 200, _errors(again)
    assert again.context["plan"].counts == {
        "create": 0,
        "change": 0,
        "same": records,
        "error": 0,
    }
    done = confirm(world, key, again)
    assert done.status_code == 302
    assert _count_trail() == before  # nothing written

    as_csv = world["client"].get(url("export", world, key, "csv"))
    again = upload(world, key, as_csv.content, "export.csv")
    assert again.status_code == 200, _errors(again)
    assert again.context["plan"].counts["same"] == records


@pytest.mark.parametrize("key", list(NEW_ROWS))
def test_a_new_row_in_the_template_is_created_through_the_services(world, key):
    tab = SHEETS[key]
    template = world["client"].get(url("template", world, key))
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book[tab.title()]
    header = [cell.value for cell in sheet[1]]
    help_rows = {row[0]: row for row in book["Help"].iter_rows(min_row=2, values_only=True)}
    assert set(help_rows) == set(header)
    wanted = {
        label: str(value).format(line=world["line"].pk, indicator=world["indicator"].pk)
        if isinstance(value, str)
        else value
        for label, value in NEW_ROWS[key].items()
    }
    assert set(wanted) <= set(header), set(wanted) - set(header)
    sheet.append([wanted.get(label) for label in header])
    before = {record.pk for record in tab.records(world["program"])}
    preview = upload(world, key, workbook_bytes(book), "new.xlsx")
    assert preview.context["plan"].counts["create"] == 1, _errors(preview)
    assert {record.pk for record in tab.records(world["program"])} == before  # a preview
    done = confirm(world, key, preview)
    assert done.status_code == 302
    (created,) = [record for record in tab.records(world["program"]) if record.pk not in before]
    assert created.history.latest().history_change_reason == "import"
    assert created.history.latest().history_user == world["head"]


def test_a_changed_cell_is_a_change_and_is_saved(world):
    key = "risks"
    exported = world["client"].get(url("export", world, key, "csv"))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    status = rows[0].index("Status")
    rows[1][status] = "Closed"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    preview = upload(world, key, buffer.getvalue().encode(), "risks.csv")
    (row,) = preview.context["plan"].rows
    assert (row.action, row.changes) == ("change", ["Status"])
    confirm(world, key, preview)
    world["risk"].refresh_from_db()
    assert world["risk"].status == "closed"


def test_the_activities_tab_changes_progress_and_never_adds_activities(world):
    activity = world["activity"]
    header = ["No.", "Stage", "Title", "Status", "Assignee", "Due on", "Evidence note"]
    content = [
        header,
        [activity.pk, "", "", "Done", "developer@example.org", "2027-02-01", "Minutes filed"],
        ["", "Initiation", "An activity nobody planned", "Done", "", "", "x"],
    ]
    book = openpyxl.Workbook()
    book.active.title = "Activities"
    for row in content:
        book.active.append(row)
    preview = upload(world, "activities", workbook_bytes(book), "activities.xlsx")
    assert preview.status_code == 400
    first, second = preview.context["plan"].rows
    assert first.action == "change"
    assert "only rows exported from it can be imported" in " ".join(second.errors)

    book.active.delete_rows(3)
    preview = upload(world, "activities", workbook_bytes(book), "activities.xlsx")
    confirm(world, "activities", preview)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
    assert activity.assignee == world["developer"]
    assert activity.completed_by == world["head"]


def test_an_activity_done_without_evidence_is_refused_on_its_row(world):
    activity = world["activity"]
    content = f"No.,Status,Evidence note\n{activity.pk},Done,\n".encode()
    preview = upload(world, "activities", content, "a.csv")
    assert preview.status_code == 400, _errors(preview)
    assert StageActivity.objects.get(pk=activity.pk).status == activity.status


def test_team_rows_name_accounts_and_only_heads_appoint_heads(world, client):
    content = b"E-mail,Role\nnobody@example.org,Researcher\nnewcomer@example.org,Program head\n"
    admin = UserFactory(username="admin2")
    membership_add(program=world["program"], user=admin, role=PersonaRole.PROGRAM_ADMIN)
    client.force_login(admin)
    world["client"] = client
    preview = upload(world, "team", content, "team.csv")
    assert preview.status_code == 400
    first, second = preview.context["plan"].rows
    assert "No one can be added with the address “nobody@example.org”" in first.errors[0]
    assert second.action == "create"

    only_head = upload(world, "team", b"E-mail,Role\nnewcomer@example.org,Program head\n", "t.csv")
    refused = confirm(world, "team", only_head)
    assert refused.status_code == 400
    assert "Only a program head or site staff can appoint" in refused.content.decode()
    assert not Membership.objects.filter(user__username="newcomer").exists()


def test_the_chw_support_sheet_is_one_row(world):
    exported = world["client"].get(url("export", world, "chw-support", "csv"))
    lines = exported.content.decode("utf-8-sig").splitlines()
    twice = "\n".join([*lines, lines[1]]).encode()
    preview = upload(world, "chw-support", twice, "chw.csv")
    assert preview.status_code == 400
    assert "one row for the program; the file has 2" in preview.content.decode()
    changed = "\n".join([lines[0], lines[1].replace("120", "140", 1)]).encode()
    preview = upload(world, "chw-support", changed, "chw.csv")
    confirm(world, "chw-support", preview)
    assert CHWSupport.objects.get(program=world["program"]).chw_count == 140


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("3/4/2027", "is not a date: write it as 2026-03-31"),
        ("next week", "is not a date"),
    ],
)
def test_dates_as_text_are_refused_rather_than_guessed(world, cell, message):
    content = f"Indicator,Period end,Value,Source\n{world['indicator'].pk},{cell},4,CHT\n".encode()
    preview = upload(world, "measurements", content, "m.csv")
    assert preview.status_code == 400
    assert message in " ".join(preview.context["plan"].rows[0].errors)


def test_a_reference_to_another_programs_record_is_an_error(world):
    other = IndicatorFactory(program=ProgramFactory(slug="elsewhere", name="Elsewhere"))
    content = f"Indicator,Period end,Value,Source\n{other.pk},2027-05-31,4,CHT\n".encode()
    preview = upload(world, "measurements", content, "m.csv")
    assert preview.status_code == 400
    assert f"no indicator {other.pk} in this program" in preview.context["plan"].rows[0].errors[0]
    assert not Measurement.objects.filter(indicator=other, value=4).exists()


def test_who_may_export_and_import_each_tab(world, client):
    outsider = UserFactory(username="outsider")
    for key in SHEETS:
        client.force_login(outsider)
        assert client.get(url("export", world, key, "xlsx")).status_code == 404
        assert client.get(url("import", world, key)).status_code == 404
        client.force_login(world["developer"])
        assert client.get(url("export", world, key, "csv")).status_code == 200
        assert client.get(url("import", world, key)).status_code == 403
        assert client.get(url("template", world, key)).status_code == 403
    assert client.get(url("import", world, "nonsense")).status_code == 404


def test_an_import_preview_reads_a_fixed_number_of_queries(world):
    indicator = world["indicator"]
    for day in range(1, 29):
        MeasurementFactory(indicator=indicator, period_end=f"2027-02-{day:02d}", value=day)

    def rows(count):
        return [["Indicator", "Period end", "Value", "Source"]] + [
            [indicator.pk, f"2027-02-{day:02d}", day + 1, "CHT"] for day in range(1, count + 1)
        ]

    tab = SHEETS["measurements"]
    with counting() as small:
        sheets.plan_import(sheet=tab, program=world["program"], rows=rows(2))
    with counting() as large:
        planned = sheets.plan_import(sheet=tab, program=world["program"], rows=rows(28))
    assert_same_count(small, large)
    assert planned.counts["change"] == 28


def test_a_formula_in_a_column_the_import_does_not_read_is_left_alone(world):
    book = openpyxl.Workbook()
    book.active.title = "Risks"
    book.active.append(["Risk", "Likelihood", "Impact", "Status", "Our score"])
    book.active.append(["Fuel prices rise", "Low", "High", "Open", "=2*3"])
    preview = upload(world, "risks", workbook_bytes(book), "risks.xlsx")
    assert preview.context["plan"].counts["create"] == 1, _errors(preview)
    done = confirm(world, "risks", preview)
    assert done.status_code == 302
    assert world["program"].risks.filter(description="Fuel prices rise").exists()
