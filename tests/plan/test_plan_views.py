"""The plan and evidence pages: who may see and change them, form validation, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from personas.models import PersonaRole
from personas.services import membership_add
from plan.budget.models import BudgetLine, Expenditure
from plan.chw_support import services as chw_support_services
from plan.chw_support.models import CHWSupport
from plan.hosting import services as hosting_services
from plan.hosting.models import HostingEstimate
from plan.indicators.models import Indicator, Measurement
from plan.risks.models import Lesson, Risk, ScalingDecision
from tests.factories import (
    BudgetLineFactory,
    ExchangeRateFactory,
    ExpenditureFactory,
    IndicatorFactory,
    LessonFactory,
    MeasurementFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
    reviewer,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 1)


@pytest.fixture
def world():
    """A program with its head, an administrator, a developer, and one of everything."""
    head = UserFactory(username="head")
    program = ProgramFactory(head=head, slug="kisumu", planned_start=START)
    admin = UserFactory(username="progadmin")
    developer = UserFactory(username="developer")
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    line = BudgetLineFactory(program=program)
    indicator = IndicatorFactory(program=program)
    estimate = hosting_services.hosting_estimate_save(
        program=program, by=head, users=100, population=10_000, workflows=3, years=2,
        overprovisioning=5,
    )  # fmt: skip
    return {
        "program": program,
        "head": head,
        "admin": admin,
        "developer": developer,
        "outsider": UserFactory(username="outsider"),
        "reviewer": reviewer(username="reviewer"),
        "staff": UserFactory(username="staff", is_staff=True),
        "line": line,
        "expenditure": ExpenditureFactory(line=line),
        "indicator": indicator,
        "measurement": MeasurementFactory(indicator=indicator),
        "risk": RiskFactory(program=program),
        "lesson": LessonFactory(program=program),
        "estimate": estimate,
    }


READ_PAGES = ["budget", "hosting-estimate", "indicators", "chw-support", "risks"]
#: (url name, the object whose pk the url takes, or None)
CHANGE_PAGES = [
    ("budget-line-create", None),
    ("budget-line-edit", "line"),
    ("budget-line-delete", "line"),
    ("expenditure-create", None),
    ("expenditure-edit", "expenditure"),
    ("expenditure-delete", "expenditure"),
    ("indicator-create", None),
    ("indicator-edit", "indicator"),
    ("indicator-delete", "indicator"),
    ("measurement-create", "indicator"),
    ("measurement-edit", "measurement"),
    ("measurement-delete", "measurement"),
    ("chw-support-edit", None),
    ("risk-create", None),
    ("risk-edit", "risk"),
    ("risk-delete", "risk"),
    ("lesson-create", None),
    ("lesson-edit", "lesson"),
    ("lesson-delete", "lesson"),
    ("scaling-decision", None),
]
CHANGE_POSTS = [*CHANGE_PAGES, ("hosting-estimate-add-to-budget", "estimate")]


def url(world, name, key=None):
    args = [world["program"].slug] + ([world[key].pk] if key else [])
    return reverse(f"plan:{name}", args=args)


def counts():
    models = [BudgetLine, Expenditure, Indicator, Measurement, Risk, Lesson, CHWSupport]
    return [model.objects.count() for model in [*models, ScalingDecision, HostingEstimate]]


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key"), [(n, None) for n in READ_PAGES] + CHANGE_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, world, name, key):
    response = client.get(url(world, name, key))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), [(n, None) for n in READ_PAGES] + CHANGE_POSTS)
def test_outsiders_cannot_tell_the_program_exists(client, world, name, key):
    client.force_login(world["outsider"])
    before = counts()
    post_only = name == "hosting-estimate-add-to-budget"
    assert client.get(url(world, name, key)).status_code == (405 if post_only else 404)
    assert client.post(url(world, name, key), {}).status_code == 404
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "developer", "head", "admin", "staff"])
@pytest.mark.parametrize("name", READ_PAGES)
def test_team_members_and_reviewers_read_every_page(client, world, who, name):
    client.force_login(world[who])
    response = client.get(url(world, name))
    assert response.status_code == 200
    can_change = who in ("head", "admin", "staff")
    add_links = [
        reverse(f"plan:{page}", args=[world["program"].slug])
        for page in ("budget-line-create", "indicator-create", "risk-create")
    ]
    page = response.content.decode()
    if name in ("budget", "indicators", "risks"):
        assert any(link in page for link in add_links) is can_change


@pytest.mark.parametrize("who", ["reviewer", "developer"])
@pytest.mark.parametrize(("name", "key"), CHANGE_POSTS)
def test_readers_are_refused_changes(client, world, who, name, key):
    client.force_login(world[who])
    before = counts()
    if name != "hosting-estimate-add-to-budget":
        assert client.get(url(world, name, key)).status_code == 403
    assert client.post(url(world, name, key), {"name": "x"}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize("who", ["reviewer", "developer"])
def test_readers_cannot_save_a_hosting_estimate(client, world, who):
    client.force_login(world[who])
    data = {"users": 5, "population": 5, "workflows": 1, "years": 1, "overprovisioning": 5}
    assert client.post(url(world, "hosting-estimate"), data).status_code == 403
    assert HostingEstimate.objects.count() == 1


@pytest.mark.parametrize("who", ["head", "admin", "staff"])
@pytest.mark.parametrize(("name", "key"), CHANGE_PAGES)
def test_heads_administrators_and_staff_open_every_form(client, world, who, name, key):
    client.force_login(world[who])
    response = client.get(url(world, name, key))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" in page and "csrfmiddlewaretoken" in page


@pytest.mark.parametrize(("name", "key"), [c for c in CHANGE_POSTS if c[1]])
def test_objects_of_another_program_are_not_found(client, world, name, key):
    other = ProgramFactory(head=world["head"])
    client.force_login(world["head"])
    slug_url = url(world, name, key).replace(f"/{world['program'].slug}/", f"/{other.slug}/")
    assert client.get(slug_url).status_code in (404, 405)
    assert client.post(slug_url, {}).status_code == 404


# --- forms: validation and saving -------------------------------------------------------------


@pytest.fixture
def head_client(client, world):
    client.force_login(world["head"])
    return client


def assert_form_error(response, field_id, text):
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please correct the errors below" in page  # the summary at the top
    assert f'href="#{field_id}"' in page  # which links to the field
    assert f'id="{field_id}_error"' in page  # and the error beside it
    assert text in page


def line_post(**overrides):
    data = {"category": "devices", "stage": "", "name": "Phones", "forecast_amount": "250000"}
    return {**data, **overrides}


def test_add_a_budget_line(head_client, world):
    response = head_client.post(url(world, "budget-line-create"), line_post())
    assert response.status_code == 302 and response["Location"] == url(world, "budget")
    line = BudgetLine.objects.get(name="Phones")
    assert line.program == world["program"] and line.forecast_amount == Decimal("250000")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-100", "A forecast cannot be negative."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
        ("lots", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_budget_line_amount_errors(head_client, world, amount, message):
    response = head_client.post(url(world, "budget-line-create"), line_post(forecast_amount=amount))
    assert_form_error(response, "id_forecast_amount", message)
    assert 'value="Phones"' in response.content.decode()  # the input is kept
    assert not BudgetLine.objects.filter(name="Phones").exists()


def test_edit_and_delete_a_budget_line(head_client, world):
    line = BudgetLineFactory(program=world["program"], name="Old")
    response = head_client.post(
        reverse("plan:budget-line-edit", args=["kisumu", line.pk]),
        line_post(name="Renamed"),
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.name == "Renamed"
    head_client.post(reverse("plan:budget-line-delete", args=["kisumu", line.pk]))
    assert not BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_line_with_expenditures_is_kept_with_a_message(head_client, world):
    response = head_client.post(url(world, "budget-line-delete", "line"), follow=True)
    assert BudgetLine.objects.filter(pk=world["line"].pk).exists()
    assert "1 expenditure(s)" in response.content.decode()


def expenditure_post(world, **overrides):
    data = {
        "line": world["line"].pk,
        "date": "2027-02-01",
        "amount": "1500.50",
        "description": "Covers",
        "reference": "INV-1",
    }
    return {**data, **overrides}


def test_record_an_expenditure(head_client, world):
    response = head_client.post(url(world, "expenditure-create"), expenditure_post(world))
    assert response.status_code == 302
    assert Expenditure.objects.get(description="Covers").amount == Decimal("1500.50")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "An amount spent must be more than zero."),
        ({"amount": "0"}, "amount", "An amount spent must be more than zero."),
        ({"date": "2026-12-31"}, "date", "The date must be within the program"),
        ({"date": "2029-01-01"}, "date", "The date must be within the program"),
        ({"line": "999999"}, "line", "Select a valid choice."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_expenditure_errors(head_client, world, overrides, field, message):
    response = head_client.post(
        url(world, "expenditure-create"), expenditure_post(world, **overrides)
    )
    assert_form_error(response, f"id_{field}", message)
    assert Expenditure.objects.count() == 1


def test_an_expenditure_cannot_use_another_programs_line(head_client, world):
    other_line = BudgetLineFactory(program=ProgramFactory())
    response = head_client.post(
        url(world, "expenditure-create"), expenditure_post(world, line=other_line.pk)
    )
    assert_form_error(response, "id_line", "Select a valid choice.")


def test_without_budget_lines_the_expenditure_form_asks_for_one_first(head_client, world):
    program = ProgramFactory(head=world["head"])
    page = head_client.get(reverse("plan:expenditure-create", args=[program.slug]))
    assert "There is no budget line yet" in page.content.decode()


def indicator_post(**overrides):
    data = {
        "name": "Pregnant women with 4+ ANC visits",
        "unit": "%",
        "direction": "increase",
        "baseline_value": "35",
        "baseline_date": "2027-01-01",
        "target_value": "60",
        "target_date": "2028-12-31",
        "frequency": "quarterly",
    }
    return {**data, **overrides}


def test_add_an_indicator_and_a_measurement(head_client, world):
    response = head_client.post(url(world, "indicator-create"), indicator_post())
    assert response.status_code == 302
    indicator = Indicator.objects.get(name__startswith="Pregnant")
    response = head_client.post(
        reverse("plan:measurement-create", args=["kisumu", indicator.pk]),
        {"period_end": "2027-06-30", "value": "41.5", "source": "DHIS2", "note": ""},
    )
    assert response.status_code == 302
    assert indicator.measurements.get().value == Decimal("41.5")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target_value": "35"}, "target_value", "The target must differ from the baseline."),
        ({"target_value": "20"}, "target_value", "the target must be above the baseline"),
        ({"target_date": "2026-12-01"}, "target_date", "must be after the baseline date"),
        ({"baseline_date": ""}, "baseline_date", "Give the date the baseline was measured."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_indicator_errors(head_client, world, overrides, field, message):
    response = head_client.post(url(world, "indicator-create"), indicator_post(**overrides))
    assert_form_error(response, f"id_{field}", message)
    assert Indicator.objects.count() == 1


def test_a_duplicate_indicator_name_is_shown_beside_the_name(head_client, world):
    response = head_client.post(
        url(world, "indicator-create"), indicator_post(name=world["indicator"].name.upper())
    )
    assert_form_error(response, "id_name", "already has an indicator with this name")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period_end": "2026-12-01"}, "period_end", "cannot be before the baseline"),
        ({"value": "1.23456"}, "value", "no more than 4 decimal places"),
        ({"source": ""}, "source", "This field is required."),
    ],
)
def test_measurement_errors(head_client, world, data, field, message):
    post = {"period_end": "2027-06-30", "value": "50", "source": "DHIS2", **data}
    response = head_client.post(url(world, "measurement-create", "indicator"), post)
    assert_form_error(response, f"id_{field}", message)
    assert Measurement.objects.count() == 1


def chw_post(**overrides):
    data = {
        "chw_count": "120",
        "last_refresher": "2026-11-01",
        "next_refresher": "2027-05-01",
        "supervisor_count": "10",
        "compensation_model": "stipend",
        "compensation_amount": "3000",
        "compensation_currency": "KES",
        "compensation_frequency": "monthly",
        "payer": "County",
        "supply_status": "stock_outs",
        "last_restock": "",
        "notes": "",
    }
    return {**data, **overrides}


def test_record_chw_support_and_see_the_gaps(head_client, world):
    response = head_client.post(url(world, "chw-support-edit"), chw_post())
    assert response.status_code == 302
    page = head_client.get(url(world, "chw-support")).content.decode()
    assert 'data-gap="supervised"' in page  # 12 per supervisor
    assert 'data-gap="supplied"' in page
    assert "More than 10 CHWs per supervisor (12.0)" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"compensation_model": "unpaid"}, "compensation_amount", "Unpaid CHWs have no amount"),
        ({"compensation_amount": "-10"}, "compensation_amount", "An amount cannot be negative."),
        ({"compensation_currency": "ZZZ"}, "compensation_currency", "Select a valid choice."),
        ({"next_refresher": "2026-10-01"}, "next_refresher", "must be after the last one"),
        ({"chw_count": "-3"}, "chw_count", "greater than or equal to 0"),
    ],
)
def test_chw_support_errors(head_client, world, overrides, field, message):
    response = head_client.post(url(world, "chw-support-edit"), chw_post(**overrides))
    assert_form_error(response, f"id_{field}", message)
    assert not CHWSupport.objects.exists()


def test_risks_lessons_and_the_scaling_decision(head_client, world):
    response = head_client.post(
        url(world, "risk-create"),
        {
            "description": "Phones late",
            "likelihood": "high",
            "impact": "high",
            "mitigation": "Order early",
            "owner": world["admin"].pk,
            "status": "open",
        },
    )
    assert response.status_code == 302
    assert Risk.objects.get(description="Phones late").owner == world["admin"]
    response = head_client.post(
        url(world, "lesson-create"),
        {
            "stage": "design",
            "what_happened": "Forms too long",
            "what_we_learned": "Test early",
            "recorded_on": "2027-03-01",
        },
    )
    assert Lesson.objects.get(what_happened="Forms too long").recorded_by == world["head"]
    response = head_client.post(
        url(world, "scaling-decision"),
        {
            "decision": "hand_over",
            "rationale": "The ministry runs it.",
            "decided_by": world["head"].pk,
            "decided_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    page = head_client.get(url(world, "risks")).content.decode()
    assert "Phones late" in page and "Forms too long" in page and "Hand over" in page
    assert "1 serious risk open" in page


@pytest.mark.parametrize(
    ("name", "data", "field", "message"),
    [
        ("risk-create", {"likelihood": "huge"}, "likelihood", "Select a valid choice."),
        ("risk-create", {"description": ""}, "description", "This field is required."),
        ("risk-create", {"owner": "outsider"}, "owner", "Select a valid choice."),
        ("lesson-create", {"stage": "someday"}, "stage", "Select a valid choice."),
        ("lesson-create", {"what_we_learned": ""}, "what_we_learned", "This field is required."),
        ("scaling-decision", {"decided_on": "2099-01-01"}, "decided_on", "in the future"),
        ("scaling-decision", {"decision": "maybe"}, "decision", "Select a valid choice."),
    ],
)
def test_risk_lesson_and_decision_errors(head_client, world, name, data, field, message):
    defaults = {
        "description": "Risk",
        "likelihood": "low",
        "impact": "low",
        "status": "open",
        "stage": "design",
        "what_happened": "x",
        "what_we_learned": "y",
        "recorded_on": "2027-01-01",
        "decision": "end",
        "rationale": "z",
        "decided_by": world["head"].pk,
        "decided_on": "2026-01-01",
    }
    if data.get("owner") == "outsider":
        data = {"owner": world["outsider"].pk}  # not on the team
    before = counts()
    response = head_client.post(url(world, name), {**defaults, **data})
    assert_form_error(response, f"id_{field}", message)
    assert counts() == before


# --- hosting estimate -------------------------------------------------------------------------


def test_try_inputs_then_save_and_add_to_the_budget(head_client, world):
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2020, 1, 1), units_per_usd="130"
    )
    inputs = {"users": 100, "population": 10000, "workflows": 3, "years": 2, "overprovisioning": 5}
    page = head_client.get(url(world, "hosting-estimate"), inputs).content.decode()
    assert 'data-figure="documents">73,700<' in page
    assert 'data-figure="disk">51.98 GB<' in page
    assert 'data-figure="monthly">USD 25.01<' in page
    assert "Mobile device management" in page  # what it leaves out
    fragment = head_client.get(url(world, "hosting-estimate"), inputs, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert 'data-figure="monthly">USD 25.01<' in fragment.content.decode()
    response = head_client.post(url(world, "hosting-estimate"), inputs)
    assert response.status_code == 302
    saved = HostingEstimate.objects.latest("id")
    assert saved.monthly_usd == Decimal("25.01")
    response = head_client.post(
        reverse("plan:hosting-estimate-add-to-budget", args=["kisumu", saved.pk])
    )
    assert response["Location"] == url(world, "budget")
    line = BudgetLine.objects.get(category="hosting")
    assert line.forecast_amount == Decimal("78031")  # USD 600.24 at 130, in whole shillings


def test_hosting_estimate_errors(head_client, world):
    bad = {"users": 0, "population": -1, "workflows": 3, "years": 2, "overprovisioning": 5}
    response = head_client.get(url(world, "hosting-estimate"), bad)
    assert_form_error(response, "id_users", "greater than or equal to 1")
    assert 'id="id_population_error"' in response.content.decode()
    response = head_client.post(url(world, "hosting-estimate"), bad)
    assert response.status_code == 400
    assert HostingEstimate.objects.count() == 1


def test_an_estimate_without_a_rate_says_so(head_client, world):
    response = head_client.post(
        url(world, "hosting-estimate-add-to-budget", "estimate"), follow=True
    )
    assert "no exchange rate for KES" in response.content.decode()
    assert not BudgetLine.objects.filter(category="hosting").exists()


# --- what the pages show ----------------------------------------------------------------------


def test_empty_pages_say_what_they_are_for_and_offer_the_first_action(client):
    head = UserFactory()
    program = ProgramFactory(head=head)
    client.force_login(head)
    expectations = {
        "budget": "Add the first budget line",
        "indicators": "Add the first indicator",
        "chw-support": "Record CHW support",
        "risks": "No risks recorded — add the first one",
        "hosting-estimate": "No saved estimate yet",
    }
    for name, text in expectations.items():
        page = client.get(reverse(f"plan:{name}", args=[program.slug])).content.decode()
        assert text in page, name


def test_budget_page_shows_totals_with_usd_and_the_chart(head_client, world):
    ExchangeRateFactory(
        currency="KES", effective_date=datetime.date(2020, 1, 1), units_per_usd="125"
    )
    page = head_client.get(url(world, "budget")).content.decode()
    # One line of KES 100,000 with KES 1,000 spent on 15 Mar 2027.
    assert "KES 100,000 (≈ USD 800)" in page
    assert "KES 1,000 (≈ USD 8)" in page
    assert 'role="img"' in page and "Budget: forecast and spent by category" in page
    assert "Showing 1–1 of 1" in page


def test_indicators_page_states_the_rule(head_client, world):
    page = head_client.get(url(world, "indicators")).content.decode()
    assert "no more than 15% behind the straight line" in page
    assert "Impact summary" in page


def test_overview_shows_budget_spent_and_indicators_on_track(head_client, world):
    program = world["program"]
    page = head_client.get(program.get_absolute_url()).content.decode()
    assert "1% — KES 1,000 of KES 100,000" in page
    assert 'id="overview-indicators"' in page and "0 of 1" in page


# --- query counts -----------------------------------------------------------------------------


def fill(program, size, owner):
    """`size` of everything: lines with expenditures, indicators with measurements, risks…"""
    for n in range(size):
        line = BudgetLineFactory(program=program, category=["devices", "travel"][n % 2])
        for day in (1, 2, 3):
            ExpenditureFactory(line=line, date=datetime.date(2027, 1 + n % 12, day))
        indicator = IndicatorFactory(program=program)
        for month in (3, 6, 9):
            MeasurementFactory(indicator=indicator, period_end=datetime.date(2027, month, 28))
        RiskFactory(program=program, owner=owner)
        LessonFactory(program=program, recorded_by=owner)
        hosting_services.hosting_estimate_save(
            program=program, by=owner, users=10, population=10, workflows=1, years=1,
            overprovisioning=5,
        )  # fmt: skip


#: Every page starts with 5: session, user, reviewer group, program, the user's roles; and
#: ends with 1: the notification bell's unread count.
PAGE_QUERIES = {
    "budget": 11,  # lines with their spending, spending by date, rates, count + page
    "hosting-estimate": 10,  # CHW support (users), rates, saved estimates, production instance
    "indicators": 8,  # indicators, their measurements
    "chw-support": 7,  # the record
    "risks": 9,  # risks with owners, lessons with authors, the scaling decision
}


@pytest.mark.parametrize("name", READ_PAGES)
def test_page_query_counts_do_not_grow_with_the_data(
    client, world, django_assert_num_queries, name
):
    program, head = world["program"], world["head"]
    chw_support_services.chw_support_save(
        program=program, chw_count=50, supervisor_count=5, compensation_model="unpaid",
        supply_status="adequate",
    )  # fmt: skip
    ExchangeRateFactory(currency="KES", effective_date=datetime.date(2020, 1, 1))
    client.force_login(head)
    fill(program, 2, head)
    with django_assert_num_queries(PAGE_QUERIES[name]):
        assert client.get(url(world, name)).status_code == 200
    fill(program, 30, head)
    with django_assert_num_queries(PAGE_QUERIES[name]):
        assert client.get(url(world, name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "key"),
    [("expenditure-create", None), ("risk-create", None), ("scaling-decision", None)],
)
def test_form_query_counts_do_not_grow_with_the_data(
    client, world, django_assert_num_queries, name, key
):
    client.force_login(world["head"])
    fill(world["program"], 2, world["head"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url(world, name, key))
    fill(world["program"], 20, world["head"])
    for _ in range(10):
        membership_add(program=world["program"], user=UserFactory(), role=PersonaRole.RESEARCHER)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url(world, name, key))


def test_overview_query_count_does_not_grow_with_the_plan(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["head"])
    fill(world["program"], 2, world["head"])
    with CaptureQueriesContext(connection) as small:
        client.get(world["program"].get_absolute_url())
    fill(world["program"], 30, world["head"])
    with CaptureQueriesContext(connection) as large:
        client.get(world["program"].get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)
