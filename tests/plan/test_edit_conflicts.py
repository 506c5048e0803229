"""Two people editing the same record: the second save is refused with both values shown, and
nothing is lost. The scenario that was reproduced (a head changes a budget line's amount, an
administrator its note, from pages opened at the same time), through the pages; the same on
every record form; and a real race on PostgreSQL (two threads, two connections)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, connections
from django.urls import reverse

from core.concurrency import EditConflict, version_of
from personas.models import PersonaRole
from personas.services import membership_add
from plan.budget.forms import BudgetLineForm
from plan.budget.models import BudgetLine
from plan.budget.services import budget_line_update
from tests.factories import BudgetLineFactory, ProgramFactory, UserFactory
from tests.services import missing

CONFLICT = "Changed by someone else since you opened it"


def _fields(form, data: dict) -> dict:
    for field in form:
        value = field.value()
        if field.widget_type == "checkbox":
            if value:
                data[field.html_name] = "on"
            continue
        data[field.html_name] = "" if value is None else value
    return data


def form_data(response) -> dict:
    """What the browser would post back: every field of the page's form (and of its partner
    rows, on the program form) as it was rendered."""
    data = _fields(response.context["form"], {})
    partners = response.context.get("partners")
    if partners is not None:
        _fields(partners.management_form, data)
        for form in partners.forms:
            _fields(form, data)
    return data


@pytest.fixture
def budget(db):
    head, admin = UserFactory(username="head"), UserFactory(username="progadmin")
    program = ProgramFactory(head=head, slug="kisumu")
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    line = BudgetLineFactory(
        program=program, name="Phones", forecast_amount="100000.00", note="Quote from March"
    )
    return {"program": program, "head": head, "admin": admin, "line": line}


def edit_url(line):
    return reverse("plan:budget-line-edit", args=["kisumu", line.pk])


@pytest.mark.django_db
def test_head_and_administrator_edit_one_budget_line_at_once(client, budget):
    line, url = budget["line"], edit_url(budget["line"])
    client.force_login(budget["head"])
    head_form = form_data(client.get(url))
    client.force_login(budget["admin"])
    admin_form = form_data(client.get(url))

    # The head saves a new amount first.
    client.force_login(budget["head"])
    assert client.post(url, {**head_form, "forecast_amount": "120000"}).status_code == 302

    # The administrator, from the page opened before, changes the note: refused, nothing lost.
    client.force_login(budget["admin"])
    response = client.post(url, {**admin_form, "note": "Quote from May"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Someone else changed this record since you opened it, so nothing was saved." in body
    assert 'id="id_forecast_amount_error"' in body
    assert f"{CONFLICT}: it is now “120000.00” (it was “100000.00”)" in body
    line.refresh_from_db()
    assert (line.forecast_amount, line.note) == (Decimal("120000.00"), "Quote from March")

    # The page now shows the head's amount in its box and the administrator's note in hers;
    # saving again keeps both changes.
    again = form_data(response)
    assert Decimal(again["forecast_amount"]) == Decimal("120000.00")
    assert again["note"] == "Quote from May"
    assert client.post(url, again).status_code == 302
    line.refresh_from_db()
    assert (line.forecast_amount, line.note) == (Decimal("120000.00"), "Quote from May")


@pytest.mark.django_db
def test_both_changing_the_same_field_shows_both_values_and_keeps_the_typed_one(client, budget):
    line, url = budget["line"], edit_url(budget["line"])
    client.force_login(budget["admin"])
    admin_form = form_data(client.get(url))
    budget_line_update(line=BudgetLine.objects.get(pk=line.pk), note="Head's note")
    response = client.post(url, {**admin_form, "note": "Administrator's note"})
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f"{CONFLICT}: it is now “Head&#x27;s note”. Yours, “Administrator&#x27;s note”, is "
        "still in the box; save again to keep it."
    ) in body
    assert form_data(response)["note"] == "Administrator's note"
    assert BudgetLine.objects.get(pk=line.pk).note == "Head's note"


@pytest.mark.django_db
def test_a_change_to_a_field_the_form_does_not_edit_is_no_conflict(client, budget):
    """Only the fields of the form count: recording health on the program meanwhile does not
    stop an edit of its summary (and the same goes for every record)."""
    program = budget["program"]
    url = reverse("chtprograms:program-edit", args=["kisumu"])
    client.force_login(budget["head"])
    data = {**form_data(client.get(url)), "summary": "New summary"}
    client.post(
        reverse("chtprograms:program-health", args=["kisumu"]), {"status": "at_risk", "note": "x"}
    )
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert (program.summary, program.health) == ("New summary", "at_risk")


@pytest.mark.django_db
def test_same_change_by_both_is_no_conflict(budget):
    line = budget["line"]
    version = version_of(line, ["name", "forecast_amount", "note"])
    budget_line_update(line=BudgetLine.objects.get(pk=line.pk), note="Agreed")
    budget_line_update(line=BudgetLine.objects.get(pk=line.pk), note="Agreed", version=version)


@pytest.mark.django_db
def test_an_altered_version_is_refused_with_a_message(client, budget):
    url = edit_url(budget["line"])
    client.force_login(budget["head"])
    data = {**form_data(client.get(url)), "version": "made-up", "note": "x"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "This form is out of date: reload the page" in response.content.decode()
    assert BudgetLine.objects.get(pk=budget["line"].pk).note == "Quote from March"


@pytest.mark.django_db
def test_a_post_without_a_version_saves_as_before(client, budget):
    """Scripts that post the fields only keep working (they choose last-write-wins)."""
    client.force_login(budget["head"])
    data = form_data(client.get(edit_url(budget["line"])))
    del data["version"]
    assert client.post(edit_url(budget["line"]), {**data, "note": "x"}).status_code == 302


# --- every record form ---------------------------------------------------------------------------


def _records(program, head):
    from chtprograms.services import data_sharing_agreement_record
    from instances.services import instance_create
    from personas.models import Membership
    from plan.chw_support.services import chw_support_save
    from plan.risks.services import lesson_create, risk_create, scaling_decision_record
    from tests.factories import ExpenditureFactory, IndicatorFactory, MeasurementFactory

    line = BudgetLineFactory(program=program)
    indicator = IndicatorFactory(program=program)
    return {
        "line": line,
        "expenditure": ExpenditureFactory(line=line),
        "indicator": indicator,
        "measurement": MeasurementFactory(indicator=indicator),
        "risk": risk_create(
            program=program,
            description="Phones stolen",
            likelihood="medium",
            impact="medium",
            mitigation="Lockers",
            owner=None,
            status="open",
        ),
        "lesson": lesson_create(
            program=program,
            by=head,
            stage="design",
            what_happened="Late",
            what_we_learned="Start early",
            recorded_on=datetime.date(2027, 2, 1),
        ),
        "chw": chw_support_save(
            program=program, chw_count=100, compensation_model="unpaid", supply_status="adequate"
        ),
        "decision": scaling_decision_record(
            program=program,
            decision="scale_up",
            rationale="Worked",
            decided_by=head,
            decided_on=datetime.date(2026, 1, 1),
        ),
        "agreement": data_sharing_agreement_record(program=program, reference="DSA-1"),
        "instance": instance_create(program=program, base_url="https://kisumu.example.org"),
        "consideration": program.considerations.get(area="scope"),
        "membership": membership_add(
            program=program, user=UserFactory(), role=PersonaRole.RESEARCHER
        ),
        "program": program,
        "head_membership": Membership.objects.get(program=program, user=head),
    }


# record → (edit URL, field someone else changes and its new value, field the user changes)
FORMS = {
    "program": ("chtprograms:program-edit", [], ("goals", "Theirs"), ("summary", "Mine")),
    "consideration": (
        "chtprograms:consideration-edit",
        ["area"],
        ("notes", "Theirs"),
        ("risk", "high"),
    ),
    "agreement": (
        "chtprograms:data-sharing-agreement",
        [],
        ("reference", "DSA-2"),
        ("data_controller", "MoH"),
    ),
    "line": ("plan:budget-line-edit", ["pk"], ("note", "Theirs"), ("name", "Mine")),
    "expenditure": (
        "plan:expenditure-edit",
        ["pk"],
        ("reference", "INV-9"),
        ("description", "Mine"),
    ),
    "indicator": ("plan:indicator-edit", ["pk"], ("unit", "people"), ("name", "Mine")),
    "measurement": ("plan:measurement-edit", ["pk"], ("source", "Theirs"), ("note", "Mine")),
    "chw": ("plan:chw-support-edit", [], ("notes", "Theirs"), ("chw_count", "120")),
    "risk": ("plan:risk-edit", ["pk"], ("mitigation", "Theirs"), ("description", "Mine")),
    "lesson": (
        "plan:lesson-edit",
        ["pk"],
        ("what_we_learned", "Theirs"),
        ("what_happened", "Mine"),
    ),
    "decision": ("plan:scaling-decision", [], ("rationale", "Theirs"), ("decision", "hand_over")),
    "instance": (
        "instances:edit",
        ["pk"],
        ("label", "Theirs"),
        ("tls_auto_renews", "on"),
    ),
    "membership": ("personas:membership-edit", ["pk"], ("role", "ux_designer"), None),
}


@pytest.mark.django_db
@pytest.mark.parametrize("record", list(FORMS))
def test_every_record_form_refuses_a_save_over_someone_elses_change(client, record):
    head = UserFactory(username="head")
    program = ProgramFactory(head=head, slug="kisumu")
    records = _records(program, head)
    name, args, (theirs_field, theirs_value), mine = FORMS[record]
    obj = records[record]
    url = reverse(name, args=["kisumu", *(getattr(obj, arg) for arg in args)])
    client.force_login(head)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page)
    assert data.get("version"), "the form carries the version it was opened on"
    # Someone else saves meanwhile.
    type(obj).objects.filter(pk=obj.pk).update(**{theirs_field: theirs_value})
    if mine is not None:
        data[mine[0]] = mine[1]
    response = client.post(url, data)
    assert response.status_code == 400, response.content.decode()[:3000]
    assert CONFLICT in response.content.decode()
    obj.refresh_from_db()
    assert str(getattr(obj, theirs_field)) == theirs_value  # theirs kept
    if mine is not None:
        assert str(getattr(obj, mine[0])) != mine[1]  # mine not saved over it
    # Saved again from the page that now shows both: it goes through, theirs still kept.
    again = form_data(response)
    assert client.post(url, again).status_code in (200, 302)
    obj.refresh_from_db()
    assert str(getattr(obj, theirs_field)) == theirs_value
    if mine is not None and mine[0] != "tls_auto_renews":
        assert str(getattr(obj, mine[0])) == mine[1]


@pytest.mark.django_db
def test_the_first_chw_support_record_filled_in_by_two_people_at_once(client):
    """A one-per-program record: the second person's save over the first one's is refused."""
    head = UserFactory()
    ProgramFactory(head=head, slug="kisumu")
    url = reverse("plan:chw-support-edit", args=["kisumu"])
    client.force_login(head)
    page = client.get(url)
    first = {
        **form_data(page),
        "chw_count": "100",
        "compensation_model": "unpaid",
        "supply_status": "adequate",
    }
    second = {**first, "chw_count": "80", "notes": "Counted in May"}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 400
    assert CONFLICT in response.content.decode()
    from plan.chw_support.models import CHWSupport

    assert CHWSupport.objects.get().chw_count == 100


# --- a real race on PostgreSQL -----------------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        missing("PostgreSQL", "run with DATABASE_URL=postgres://user@host:5432/name (row locks)")


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_budget_line_at_the_same_moment(postgresql):
    """Both open the line, wait for each other, then save at once: one is saved, the other is
    refused with the first one's value, and the line holds exactly the first one's change."""
    head = UserFactory(username="head")
    program = ProgramFactory(head=head)
    line = BudgetLineFactory(program=program, forecast_amount="100000.00", note="March")
    form = BudgetLineForm(instance=line, program=program)
    version = form.fields["version"].initial
    changes = {"head": {"forecast_amount": Decimal("120000")}, "admin": {"note": "May"}}
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def save(who):
        close_old_connections()
        try:
            mine = BudgetLine.objects.get(pk=line.pk)
            fields = {
                "category": mine.category,
                "stage": mine.stage,
                "name": mine.name,
                "forecast_amount": mine.forecast_amount,
                "note": mine.note,
                **changes[who],
            }
            barrier.wait(timeout=10)
            budget_line_update(line=mine, version=version, **fields)
            results[who] = "saved"
        except EditConflict as conflict:
            results[who] = conflict
        except Exception as error:  # reported by the assertion below
            results[who] = f"error: {error!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(who,)) for who in changes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    outcomes = sorted(
        "saved" if result == "saved" else type(result).__name__ for result in results.values()
    )
    assert outcomes == ["EditConflict", "saved"], results
    winner = next(who for who, result in results.items() if result == "saved")
    loser = next(who for who in changes if who != winner)
    line.refresh_from_db()
    expected = {"forecast_amount": Decimal("100000.00"), "note": "March", **changes[winner]}
    assert (line.forecast_amount, line.note) == (expected["forecast_amount"], expected["note"])
    messages = results[loser].message_dict
    changed_field = next(iter(changes[winner]))
    assert CONFLICT in messages[changed_field][0]
