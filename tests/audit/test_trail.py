"""The trail of every change: who, when, which fields from what to what, and through which
channel (a page, the API, an import, the admin, the CHT), written in the same transaction as
the change, shown on the History tab with the lifecycle's decisions, read only everywhere."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from lifecycle.models import StageActivity
from lifecycle.services import lifecycle_advance
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from plan.budget.models import BudgetLine
from plan.budget.services import budget_line_create, budget_line_update
from spreadsheets.sheets import import_apply
from spreadsheets.tabs import SHEETS
from tests.api.conftest import client_for
from tests.factories import IndicatorFactory, ProgramFactory, UserFactory
from tests.lifecycle.conftest import meet_gate
from tests.queries import assert_same_count, get_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    head = UserFactory(username="head", first_name="Amina", last_name="Otieno")
    admin = UserFactory(username="progadmin", first_name="Brian", last_name="Kiprop")
    program = ProgramFactory(head=head, slug="kisumu", name="Kisumu CHV")
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    return {"program": program, "head": head, "admin": admin}


def line_form(line, **changes):
    data = {
        "category": line.category,
        "stage": line.stage or "",
        "name": line.name,
        "forecast_amount": str(line.forecast_amount),
        "note": line.note,
    }
    return {**data, **changes}


def test_a_change_on_a_page_keeps_who_when_and_each_field(client, team):
    line = budget_line_create(
        program=team["program"], category="devices", name="Phones", forecast_amount=Decimal("900")
    )
    client.force_login(team["admin"])
    response = client.post(
        reverse("plan:budget-line-edit", args=["kisumu", line.pk]),
        line_form(line, forecast_amount="1200", note="Quote from May"),
    )
    assert response.status_code == 302
    latest = line.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == team["admin"]
    assert latest.history_change_reason == "page"
    delta = latest.diff_against(latest.prev_record)
    assert {change.field: (change.old, change.new) for change in delta.changes} == {
        "forecast_amount": (Decimal("900.00"), Decimal("1200.00")),
        "note": ("", "Quote from May"),
    }
    page = client.get(reverse("audit:history", args=["kisumu"])).content.decode()
    assert "Brian Kiprop" in page and "on a page" in page
    assert "Forecast amount" in page and "900" in page and "1200" in page


def test_the_trail_is_written_with_the_change_or_not_at_all(team):
    line = budget_line_create(
        program=team["program"], category="devices", name="Phones", forecast_amount=Decimal("900")
    )
    before = line.history.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        budget_line_update(line=line, forecast_amount=Decimal("5"))
        raise RuntimeError("the request failed after the save")
    assert line.history.count() == before
    line.refresh_from_db()
    assert line.forecast_amount == Decimal("900")
    with pytest.raises(ValidationError):
        budget_line_update(line=line, forecast_amount=Decimal("-1"))
    assert line.history.count() == before  # refused by the rules: nothing recorded


def test_api_calls_and_imports_say_so(team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = team["program"]
    indicator = IndicatorFactory(program=program, baseline_date=datetime.date(2026, 1, 1))
    response = client_for(team["head"]).post(
        f"/api/v1/programs/kisumu/indicators/{indicator.pk}/measurements/",
        {"period_end": "2026-03-31", "value": "41", "source": "DHIS2"},
        format="json",
    )
    assert response.status_code == 201, response.content
    measurement = indicator.measurements.get()
    assert (
        measurement.history.get().history_change_reason,
        measurement.history.get().history_user,
    ) == (
        "api",
        team["head"],
    )

    rows = [
        ["No.", "Category", "Stage", "Description", "Forecast amount", "Note"],
        ["", "Devices", "", "Tablets", "3000", ""],
    ]
    planned = import_apply(sheet=SHEETS["budget-lines"], program=program, rows=rows, by=None)
    assert planned.valid, [row.errors for row in planned.rows]
    tablets = BudgetLine.objects.get(program=program, name="Tablets")
    assert tablets.history.get().history_change_reason == "import"


def test_the_history_tab_puts_decisions_and_changes_together_and_filters(client, team):
    program, head, admin = team["program"], team["head"], team["admin"]
    meet_gate(program, Stage.INITIATION, head)
    lifecycle_advance(lifecycle=program.lifecycle, by=head, note="Ready to plan")
    line = budget_line_create(
        program=program, category="devices", name="Phones", forecast_amount=Decimal("900")
    )
    client.force_login(admin)
    client.post(
        reverse("plan:budget-line-edit", args=["kisumu", line.pk]),
        line_form(line, name="Smartphones"),
    )
    url = reverse("audit:history", args=["kisumu"])
    page = client.get(url).content.decode()
    assert "Ready to plan" in page  # the decision
    assert "Smartphones" in page  # the record change
    assert "Stage activity" in page  # the activities the gate needed were finished

    only_budget = client.get(url, {"kind": "budget_line"}).content.decode()
    assert "Smartphones" in only_budget and "Ready to plan" not in only_budget
    only_decisions = client.get(url, {"kind": "decisions"}).content.decode()
    assert "Ready to plan" in only_decisions and "Smartphones" not in only_decisions
    only_admin = client.get(url, {"person": admin.pk}).content.decode()
    assert "Smartphones" in only_admin and "Ready to plan" not in only_admin

    bad = client.get(url, {"kind": "nonsense", "person": "x%00"})
    assert bad.status_code == 400
    assert 'id="id_kind_error"' in bad.content.decode()


def test_who_may_read_the_history(client, team):
    url = reverse("audit:history", args=["kisumu"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(team["admin"])
    assert client.post(url).status_code == 405  # read only
    old = client.get(reverse("lifecycle:history", args=["kisumu"]))
    assert (old.status_code, old["Location"]) == (301, url)


def test_the_history_costs_the_same_queries_for_few_and_many_changes(client, team):
    program, head = team["program"], team["head"]
    client.force_login(head)
    url = reverse("audit:history", args=["kisumu"])

    def changes(count):
        for number in range(count):
            line = budget_line_create(
                program=program,
                category="devices",
                name=f"Line {number} {count}",
                forecast_amount=Decimal("10"),
            )
            budget_line_update(line=line, forecast_amount=Decimal("20"))
        activities = list(StageActivity.objects.filter(program=program)[:count])
        for activity in activities:
            activity.save()

    changes(1)
    small, _response = get_counted(client, url)
    changes(12)
    large, response = get_counted(client, url)
    assert response.status_code == 200
    assert_same_count(small, large)


def test_the_admin_shows_a_records_history_and_cannot_revert_it(client, team, settings):
    staff = UserFactory(is_staff=True, is_superuser=True)
    line = budget_line_create(
        program=team["program"], category="devices", name="Phones", forecast_amount=Decimal("900")
    )
    budget_line_update(line=line, forecast_amount=Decimal("950"))
    client.force_login(staff)
    session = client.session
    session["allauth_2fa_verified"] = True
    session.save()
    response = client.get(reverse("admin:plan_budgetline_history", args=[line.pk]), follow=True)
    if response.redirect_chain:  # staff must use two-factor authentication first
        pytest.skip("the admin needs two-factor authentication in this configuration")
    assert response.status_code == 200
    assert "950" in response.content.decode()
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    record = line.history.last()
    revert = client.post(
        reverse("admin:plan_budgetline_simple_history", args=[line.pk, record.history_id]), {}
    )
    assert revert.status_code != 500
    line.refresh_from_db()
    assert line.forecast_amount == Decimal("950")
