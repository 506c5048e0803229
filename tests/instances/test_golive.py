"""Go-live readiness: the hosting gate's criteria (met, unmet, waived), the Go-live tab, and the
programs that entered implementation with readiness criteria waived."""

import datetime

import pytest
from django.urls import reverse

from chtprograms.models import Program
from instances.golive import selectors, services
from instances.golive.models import GoLiveReadiness
from instances.golive.report import readiness_results
from instances.models import Snapshot
from instances.services import instance_create, instance_update
from lifecycle import gates
from lifecycle.services import lifecycle_advance
from lifecycle.stages import Stage
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory, reviewer
from tests.lifecycle.conftest import meet_golive, walk_to
from tests.queries import exact_queries, pinned

pytestmark = pytest.mark.django_db

IDS = [
    f"hosting.golive_{suffix}"
    for suffix, *_rest in __import__("instances.golive.criteria", fromlist=["CRITERIA"]).CRITERIA
]


@pytest.fixture
def head():
    return UserFactory(username="head")


@pytest.fixture
def program(head):
    return ProgramFactory(head=head, slug="siaya")


def results(program) -> dict[str, gates.Result]:
    return {result.id: result for result in readiness_results(program=program)}


def test_nine_criteria_sit_on_the_hosting_gate_and_all_are_waivable(program):
    hosting = [c for c in gates.criteria_for(Stage.HOSTING, program) if c.id in IDS]
    assert [c.id for c in hosting] == IDS and len(IDS) == 9
    assert all(c.waivable for c in hosting)


def test_nothing_recorded_meets_nothing_and_each_says_why(program):
    found = results(program)
    assert not any(result.met for result in found.values())
    assert "No instance of kind: Training, Production" in found[IDS[0]].detail
    assert found["hosting.golive_cht_version"].detail.startswith("No CHT version known")
    # Each links to where it is fixed.
    assert found["hosting.golive_backups"].url == reverse("instances:golive-edit", args=["siaya"])
    assert found["hosting.golive_tls_domain"].url == reverse("instances:list", args=["siaya"])


def test_everything_recorded_meets_every_criterion(program):
    meet_golive(program)
    found = results(program)
    assert {id_: result.met for id_, result in found.items()} == dict.fromkeys(IDS, True)


@pytest.mark.parametrize(
    ("change", "criterion", "detail"),
    [
        ({"credential_delivery": "shared_spreadsheet"}, "credentials", "use magic links"),
        ({"backups_3_2_1": False}, "backups", "do not follow 3-2-1"),
        ({"last_restore_tested_on": None}, "backups", "No restore tested yet"),
        ({"monitoring_alerts": False}, "monitoring", "Missing: alerts"),
        (
            {"privacy_policy_languages": "English"},
            "privacy_policy",
            "No privacy policy in: Swahili",
        ),
        ({"training_app_removed_on": None}, "training_app_removed", "No date recorded"),
        ({"support_shared_on": None}, "support_structure", "Not recorded"),
        ({"cht_version": "4.16.0"}, "cht_version", "reached its end of life"),
        ({"cht_version": "9.9.0"}, "cht_version", "not in the CHT release table"),
    ],
)
def test_each_criterion_fails_on_its_own_gap(program, change, criterion, detail):
    meet_golive(program)
    services.readiness_save(program=program, **change)
    found = results(program)
    unmet = [id_ for id_, result in found.items() if not result.met]
    assert unmet == [f"hosting.golive_{criterion}"]
    assert detail in found[f"hosting.golive_{criterion}"].detail


def test_a_restore_tested_over_six_months_ago_no_longer_counts(program):
    meet_golive(program)
    today = datetime.date.today()  # noqa: DTZ011
    services.readiness_save(
        program=program, last_restore_tested_on=today - datetime.timedelta(days=200)
    )
    result = results(program)["hosting.golive_backups"]
    assert not result.met and "more than 6 months ago" in result.detail


def test_instances_need_a_cut_over_and_renewal_dates(program):
    meet_golive(program)
    production = program.cht_instances.get(kind="production")
    instance_update(instance=production, domain_renews_on=None)
    for instance in program.cht_instances.all():
        instance_update(instance=instance, cutover_on=None)
    found = results(program)
    assert "No cut-over date" in found["hosting.golive_instances"].detail
    assert "domain renewal" in found["hosting.golive_tls_domain"].detail
    # A certificate that renews itself needs no expiry date.
    instance_update(instance=production, tls_expires_on=None, tls_auto_renews=True)
    assert "TLS expiry" not in results(program)["hosting.golive_tls_domain"].detail


def test_a_polled_version_takes_precedence_over_the_typed_one(program):
    meet_golive(program)  # typed 5.2.0, supported
    production = program.cht_instances.get(kind="production")
    snapshot = Snapshot.objects.create(instance=production, status="up", app_version="4.16.2")
    production.latest_snapshot = snapshot
    production.save(update_fields=["latest_snapshot"])
    result = results(program)["hosting.golive_cht_version"]
    assert not result.met and "4.16.2 reached its end of life" in result.detail


def test_bad_input_is_refused_by_the_service(program):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.readiness_save(program=program, cht_version="five", notes="x")
    assert "cht_version" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.readiness_save(
            program=program,
            support_shared_on=datetime.date.today() + datetime.timedelta(days=9),  # noqa: DTZ011
        )
    assert "in the future" in " ".join(error.value.message_dict["support_shared_on"])
    assert not GoLiveReadiness.objects.exists()


# --- the gate ---------------------------------------------------------------------------------


def test_the_hosting_gate_refuses_then_accepts_a_waiver_and_the_portfolio_sees_it(program, head):
    from lifecycle.services import GateNotMet

    lifecycle = walk_to(program, Stage.HOSTING, head)
    from tests.lifecycle.conftest import finish_activities

    finish_activities(program, Stage.HOSTING, head)
    with pytest.raises(GateNotMet):
        lifecycle_advance(lifecycle=lifecycle, by=head)
    meet_golive(program)
    services.readiness_save(program=program, monitoring_alerts=False)
    programs = Program.objects.filter(pk=program.pk)
    assert not selectors.programs_with_waived_readiness(programs).exists()
    lifecycle_advance(
        lifecycle=lifecycle,
        by=head,
        waive=["hosting.golive_monitoring"],
        note="Watchdog set up in the first month",
    )
    assert lifecycle.stage == Stage.IMPLEMENTATION
    assert list(selectors.programs_with_waived_readiness(programs)) == [program]
    assert [item["id"] for item in selectors.waived_readiness(program=program)] == [
        "hosting.golive_monitoring"
    ]


def test_a_program_that_met_every_criterion_is_not_listed(program, head):
    walk_to(program, Stage.IMPLEMENTATION, head)  # meets the go-live criteria on the way
    assert not selectors.programs_with_waived_readiness(
        Program.objects.filter(pk=program.pk)
    ).exists()


# --- the pages --------------------------------------------------------------------------------


def golive_url(program, edit=False):
    return reverse("instances:golive-edit" if edit else "instances:golive", args=[program.slug])


def test_the_tab_shows_each_criterion_with_a_fix_link(client, program, head):
    services.readiness_save(program=program, credential_delivery="shared_spreadsheet")
    client.force_login(head)
    page = client.get(golive_url(program)).content.decode()
    assert "0 of 9 go-live criteria met" in page
    assert "A shared spreadsheet of passwords: use magic links or one-time passwords" in page
    assert page.count("Fix this") == 9
    assert "Edit go-live readiness" in page


@pytest.mark.parametrize("who", ["outsider"])
def test_outsiders_get_404(client, program, who):
    client.force_login(UserFactory(username=who))
    assert client.get(golive_url(program)).status_code == 404
    assert client.post(golive_url(program, edit=True), {}).status_code == 404
    assert not GoLiveReadiness.objects.exists()


def test_readers_read_and_cannot_change(client, program):
    developer = UserFactory(username="dev")
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    for user in (developer, reviewer(username="rev")):
        client.force_login(user)
        page = client.get(golive_url(program)).content.decode()
        assert "go-live criteria met" in page and "Record go-live readiness" not in page
        assert client.get(golive_url(program, edit=True)).status_code == 403
        assert client.post(golive_url(program, edit=True), {"notes": "x"}).status_code == 403
    assert not GoLiveReadiness.objects.exists()


def test_anonymous_visitors_log_in(client, program):
    response = client.get(golive_url(program))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_head_saves_the_form_and_bad_input_shows_beside_the_field(client, program, head):
    client.force_login(head)
    data = {
        "credential_delivery": "one_time_password",
        "backups_3_2_1": "on",
        "last_restore_tested_on": "2026-10-01",
        "app_languages": "English",
        "privacy_policy_languages": "english",
        "cht_version": "v5.2",
    }
    assert client.post(golive_url(program, edit=True), data).status_code == 302
    saved = GoLiveReadiness.objects.get(program=program)
    assert saved.cht_version == "5.2" and saved.backups_3_2_1
    response = client.post(golive_url(program, edit=True), {**data, "cht_version": "latest"})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_cht_version_error"' in page and "Write the version as numbers" in page


def test_the_tab_query_count_does_not_grow(client, program, head):
    client.force_login(head)
    meet_golive(program)
    with exact_queries(pinned("go-live page")):
        assert client.get(golive_url(program)).status_code == 200
    for n in range(10):
        instance_create(
            program=program, kind="development", base_url=f"https://dev{n}.example.org",
            polling_enabled=False,
        )  # fmt: skip
    with exact_queries(pinned("go-live page")):
        assert client.get(golive_url(program)).status_code == 200
