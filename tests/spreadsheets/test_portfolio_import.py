"""The portfolio import: programs, their teams and budget lines from one workbook, previewed
sheet by sheet, saved all together through the services or not at all, and the same workbook
again changing nothing; who may import, and what a program of someone else looks like."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chtprograms.models import Organization, Program
from personas.models import Membership, PersonaRole
from personas.services import profile_set_language, program_creator_set
from plan.budget.models import BudgetLine
from spreadsheets.portfolio_import import plan_portfolio
from tests.factories import OrganizationFactory, ProgramFactory, UserFactory
from tests.queries import assert_same_count, counting

pytestmark = pytest.mark.django_db

URL = "/portfolio/import/"
PROGRAMS = [
    "Short name",
    "Name",
    "Program type",
    "Country",
    "Lead organization",
    "Kind of a new lead organization",
    "Planned start",
    "Planned end",
    "Currency",
]
TEAM = ["Program short name", "E-mail", "Role"]
BUDGET = ["Program short name", "Category", "Stage", "Description", "Forecast amount", "Note"]


def workbook(programs=(), team=(), budget=(), titles=("Programs", "Team", "Budget lines")):
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = zip(titles, (PROGRAMS, TEAM, BUDGET), (programs, team, budget), strict=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        for row in [header, *rows]:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def moving_in(count: int, *, head_row: bool = True) -> dict:
    """`count` programs, each with a team of two and two budget lines. The first program's
    lead organization is known; the others' is new (added once, with the first of them)."""
    programs, team, budget = [], [], []
    for number in range(1, count + 1):
        slug = f"siaya-{number}"
        organization = "Ministry of Health Kenya" if number == 1 else "Living Goods"
        kind = "" if number == 1 else "NGO"
        programs.append(
            [slug, f"Siaya {number}", "Accompanied", "Kenya", organization, kind]
            + ["2027-01-01", "2028-12-31", "KES"]
        )
        team.append([slug, "developer@example.org", "Software developer"])
        if head_row:
            team.append([slug, "creator@example.org", "Program head"])
        budget.append([slug, "Devices", "Implementation", "Smartphones", 2000000, ""])
        budget.append([slug, "Training", "", "CHV training", "500000", "Two days"])
    return {"programs": programs, "team": team, "budget": budget}


@pytest.fixture
def creator(client):
    user = UserFactory(username="creator")
    program_creator_set(user=user)
    UserFactory(username="developer")
    OrganizationFactory(name="Ministry of Health Kenya")
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "portfolio.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    assert response.status_code == 200, _errors(response)
    return client.post(URL, {"confirm": "1", "token": response.context["token"]})


def _errors(response):
    plan = response.context.get("plan") if response.context else None
    if plan is None:
        return response.content.decode()[:800]
    return [
        (p.sheet.key, p.file_errors, [(r.number, r.errors) for r in p.rows if r.errors])
        for p in plan.plans
    ]


def _counts(response) -> dict:
    return {plan.sheet.key: plan.counts for plan in response.context["plan"].plans}


def _count_trail() -> int:
    from simple_history.models import registered_models

    return sum(model.history.model.objects.count() for model in registered_models.values())


def _counts_of(create=0, change=0, same=0, error=0) -> dict:
    return {"create": create, "change": change, "same": same, "error": error}


def test_a_workbook_of_two_programs_is_previewed_then_created_through_the_services(client, creator):
    before = _count_trail()
    preview = upload(client, workbook(**moving_in(2, head_row=False)))
    assert preview.status_code == 200, _errors(preview)
    assert _counts(preview) == {
        "programs": _counts_of(create=2),
        "team": _counts_of(create=2),
        "budget-lines": _counts_of(create=4),
    }
    first, second = preview.context["plan"].plans[0].rows
    assert "You will be its program head." in first.notes
    assert "The organization “Living Goods” will be added (NGO)." in second.notes
    assert "will be added" in preview.content.decode()
    # a preview writes nothing
    assert not Program.objects.exists()
    assert not Organization.objects.filter(name="Living Goods").exists()
    assert _count_trail() == before

    done = confirm(client, preview)
    assert done.status_code == 302
    assert done.url == reverse("chtprograms:program-list")
    programs = {program.slug: program for program in Program.objects.all()}
    assert set(programs) == {"siaya-1", "siaya-2"}
    one, two = programs["siaya-1"], programs["siaya-2"]
    assert one.lead_organization.name == "Ministry of Health Kenya"
    assert two.lead_organization.name == "Living Goods"
    assert two.lead_organization.kind == Organization.Kind.NGO
    assert two.lead_organization.country == "KE"
    # program_create's own work: considerations, the lifecycle, the importer as head
    assert one.considerations.count() == 6
    assert one.lifecycle.stage == "initiation"
    roles = set(Membership.objects.filter(program=one).values_list("user__username", "role"))
    assert roles == {
        ("creator", PersonaRole.PROGRAM_HEAD),
        ("developer", PersonaRole.SOFTWARE_DEVELOPER),
    }
    assert BudgetLine.objects.filter(program=two).count() == 2
    assert BudgetLine.objects.get(program=two, name="CHV training").note == "Two days"
    # the trail says each record came from an import, by the importer
    for record in (one, BudgetLine.objects.filter(program=one).first(), one.memberships.last()):
        latest = record.history.latest()
        assert latest.history_change_reason == "import"
        assert latest.history_user == creator


def test_the_same_workbook_again_is_all_left_as_it_is(client, creator):
    content = workbook(**moving_in(2))
    confirm(client, upload(client, content))
    assert Program.objects.count() == 2
    before = _count_trail()
    again = upload(client, content)
    assert again.status_code == 200, _errors(again)
    assert _counts(again) == {
        "programs": _counts_of(same=2),
        "team": _counts_of(same=4),
        "budget-lines": _counts_of(same=4),
    }
    assert confirm(client, again).status_code == 302
    assert _count_trail() == before


def test_a_changed_cell_changes_a_program_the_importer_manages(client, creator):
    rows = moving_in(1)
    confirm(client, upload(client, workbook(**rows)))
    rows["programs"][0][7] = "2029-06-30"
    rows["budget"][0][4] = 2500000
    preview = upload(client, workbook(**rows))
    programs, _team, budget = preview.context["plan"].plans
    assert [(row.action, row.changes) for row in programs.rows] == [("change", ["Planned end"])]
    assert [row.action for row in budget.rows] == ["change", "same"]
    confirm(client, preview)
    program = Program.objects.get(slug="siaya-1")
    assert str(program.planned_end) == "2029-06-30"
    assert program.history.latest().history_change_reason == "import"


def test_the_team_sheet_names_a_new_programs_head(client, creator):
    amina = UserFactory(username="amina")
    rows = moving_in(1, head_row=False)
    rows["team"].append(["siaya-1", "amina@example.org", "Program head"])
    preview = upload(client, workbook(**rows))
    (program_row,) = preview.context["plan"].plans[0].rows
    assert "Its program head: amina@example.org (Team sheet, row 3)." in program_row.notes
    confirm(client, preview)
    program = Program.objects.get(slug="siaya-1")
    heads = Membership.objects.filter(program=program, role=PersonaRole.PROGRAM_HEAD)
    assert [membership.user for membership in heads] == [amina]
    assert not Membership.objects.filter(program=program, user=creator).exists()


def test_errors_on_each_sheet_save_nothing_and_name_their_rows(client, creator):
    rows = moving_in(2)
    rows["programs"][0][2] = "Pilot"  # not a program type
    rows["programs"].append(
        ["siaya-3", "Siaya 3", "Research initiative", "Kenya", "Other NGO", ""]
        + ["2028-01-01", "2027-01-01", "KES"]
    )
    rows["team"][2][1] = "nobody@example.org"
    rows["team"].append(["nairobi", "developer@example.org", "Researcher"])
    rows["budget"][0][4] = "=2*1000"
    rows["budget"][3][1] = "Gadgets"
    before = _count_trail()
    preview = upload(client, workbook(**rows))
    assert preview.status_code == 400
    errors = {
        plan.sheet.key: {row.number: " ".join(row.errors) for row in plan.rows if row.errors}
        for plan in preview.context["plan"].plans
    }
    assert set(errors["programs"]) == {2, 4}
    assert "“Pilot” is not an allowed program type" in errors["programs"][2]
    assert "“Other NGO” is not known yet" in errors["programs"][4]
    assert "The planned end cannot be before the planned start." in errors["programs"][4]
    assert set(errors["team"]) == {2, 3, 4, 6}
    # the rows of a program whose own row has errors say so
    assert "Programs sheet (row 2) has errors" in errors["team"][2]
    assert "No one can be added with the address “nobody@example.org”" in errors["team"][4]
    assert "No program you can change has the short name “nairobi”" in errors["team"][6]
    assert set(errors["budget-lines"]) == {2, 3, 5}
    assert "formulas are not imported" in errors["budget-lines"][2]
    assert "“Gadgets” is not an allowed category" in errors["budget-lines"][5]
    # the valid rows still say what they would do
    assert [row.action for row in preview.context["plan"].plans[0].rows] == [
        "error",
        "create",
        "error",
    ]
    html = preview.content.decode()
    assert 'id="nothing-saved"' in html
    assert "Confirm the import" not in html
    assert not Program.objects.exists()
    assert not Organization.objects.filter(name__in=["Living Goods", "Other NGO"]).exists()
    assert _count_trail() == before


def test_a_file_that_is_not_the_workbook_is_refused(client, creator):
    refused = upload(client, b"Short name,Name\nsiaya,Siaya\n", "programs.csv")
    assert refused.status_code == 400
    assert "Upload the .xlsx workbook" in refused.context["file_error"]
    two_sheets = upload(client, workbook(titles=("Programs", "Team", "Budget")))
    assert "no sheet named “Budget lines”" in two_sheets.context["file_error"]


def test_only_people_who_may_create_programs_import(client, creator):
    member = UserFactory(username="member")
    client.force_login(member)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("spreadsheets:portfolio-import-template")).status_code == 403
    assert upload(client, workbook(**moving_in(1))).status_code == 403
    assert not Program.objects.exists()
    # the links are only for them
    assert "Import programs" not in client.get(reverse("chtprograms:program-list")).content.decode()
    client.force_login(creator)
    assert URL in client.get(reverse("chtprograms:program-list")).content.decode()
    assert URL in client.get(reverse("portfolio:dashboard")).content.decode()


def test_someone_elses_program_is_an_error_that_reveals_nothing(client, creator):
    other = UserFactory(username="other")
    ProgramFactory(
        head=other,
        slug="secret-program",
        name="Confidential pilot",
        lead_organization=OrganizationFactory(name="Hidden Partner"),
    )
    rows = moving_in(1)
    rows["team"].append(["secret-program", "developer@example.org", "Researcher"])
    rows["budget"].append(["secret-program", "Devices", "", "Phones", 10, ""])
    preview = upload(client, workbook(**rows))
    assert preview.status_code == 400
    for plan in preview.context["plan"].plans[1:]:
        (refused,) = [row for row in plan.rows if row.errors]
        assert "No program you can change has the short name “secret-program”" in " ".join(
            refused.errors
        )
    # as a program of the workbook: the same words, not its record
    rows = moving_in(1)
    rows["programs"].append(
        ["secret-program", "Mine now", "Accompanied", "Kenya", "Ministry of Health Kenya"]
        + ["", "2027-01-01", "2028-12-31", "KES"]
    )
    preview = upload(client, workbook(**rows))
    (refused,) = [row for row in preview.context["plan"].plans[0].rows if row.errors]
    assert refused.errors == [
        "No program you can change has the short name “secret-program”. Choose another short "
        "name for a new program."
    ]
    html = preview.content.decode()
    assert "Confidential pilot" not in html
    assert "Hidden Partner" not in html
    assert Program.objects.get(slug="secret-program").name == "Confidential pilot"
    assert not Membership.objects.filter(user__username="developer").exists()


def test_the_template_has_the_three_sheets_and_their_help_in_the_readers_language(client, creator):
    template = client.get(reverse("spreadsheets:portfolio-import-template"))
    assert template.status_code == 200
    assert "portfolio-import-template.xlsx" in template["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["Programs", "Team", "Budget lines", "Help"]
    help_rows = list(book["Help"].iter_rows(min_row=2, values_only=True))
    for title in ("Programs", "Team", "Budget lines"):
        header = [cell.value for cell in book[title][1]]
        assert [row[1] for row in help_rows if row[0] == title] == header
    assert [cell.value for cell in book["Team"][1]] == TEAM
    assert [cell.value for cell in book["Budget lines"][1]] == BUDGET
    assert [cell.value for cell in book["Programs"][1]][: len(PROGRAMS)] == PROGRAMS
    kinds = next(row for row in help_rows if row[1] == "Kind of a new lead organization")
    assert kinds[2] == "optional"
    assert "NGO" in kinds[4]

    profile_set_language(user=creator, language="fr")
    french = Client()
    french.force_login(creator)
    template = french.get(reverse("spreadsheets:portfolio-import-template"))
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["Programmes", "Équipe", "Lignes budgétaires", "Aide"]


def test_the_preview_reads_a_fixed_number_of_queries(creator):
    def plan(count):
        rows = moving_in(count)
        sheets = {
            "programs": [PROGRAMS, *rows["programs"]],
            "team": [TEAM, *rows["team"]],
            "budget-lines": [BUDGET, *rows["budget"]],
        }
        user = type(creator).objects.get(pk=creator.pk)  # no permission cached yet
        with translation.override("en"), counting() as queries:
            planned = plan_portfolio(user=user, workbook=sheets)
        assert planned.valid, [(r.number, r.errors) for p in planned.plans for r in p.rows]
        return queries

    assert_same_count(plan(2), plan(20))
    # and when every program exists: their teams and lines read once
    for number in range(1, 21):
        ProgramFactory(head=creator, slug=f"siaya-{number}", name=f"Siaya {number}")
    assert_same_count(plan(2), plan(20))


def test_the_command_previews_with_dry_run_and_imports_without(creator, tmp_path, capsys):
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(workbook(**moving_in(2)))
    call_command("import_portfolio", str(path), "--as", "creator@example.org", "--dry-run")
    out = capsys.readouterr().out
    assert "Programs: 2 to add, 0 to change, 0 left as they are, 0 with errors." in out
    assert "row 2: added" in out
    assert "Dry run: nothing was saved." in out
    assert not Program.objects.exists()

    call_command("import_portfolio", str(path), "--as", "creator@example.org")
    out = capsys.readouterr().out
    assert "Saved" in out
    assert Program.objects.count() == 2
    program = Program.objects.get(slug="siaya-1")
    assert program.history.latest().history_change_reason == "import"
    assert program.history.latest().history_user == creator


def test_the_command_fails_with_the_errors_and_saves_nothing(creator, tmp_path, capsys):
    rows = moving_in(1)
    rows["team"][0][1] = "nobody@example.org"
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(workbook(**rows))
    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_portfolio", str(path), "--as", "creator@example.org")
    out = capsys.readouterr().out
    assert "Team: 1 to add, 0 to change, 0 left as they are, 1 with errors." in out
    assert "row 2: not imported — E-mail: No one can be added" in out
    assert not Program.objects.exists()
    with pytest.raises(CommandError, match="may not create programs"):
        UserFactory(username="member")
        call_command("import_portfolio", str(path), "--as", "member@example.org")
