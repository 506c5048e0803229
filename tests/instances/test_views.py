"""The Instances tab and its forms, for every kind of visitor: anonymous → login, outsider →
404, portfolio reviewer and team member → read only (403 on changes), program head and
administrator → change. Bad input is refused beside its field; credentials never come back."""

import datetime

import pytest
from django.urls import reverse

from instances import services
from instances.fetch import Fetched
from instances.models import Instance
from instances.services import Polled
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory, reviewer

from .fakecht import monitoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    head = UserFactory(username="the-head")
    program = ProgramFactory(head=head, slug="siaya", name="Siaya CHV")
    administrator = UserFactory(username="the-admin")
    membership_add(program=program, user=administrator, role=PersonaRole.PROGRAM_ADMIN)
    developer = UserFactory(username="the-dev")
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    instance = services.instance_create(
        program=program, base_url="https://chis.example.org", kind="production"
    )
    at = datetime.datetime.now(datetime.UTC)
    services.snapshot_record(
        instance=instance,
        polled=Polled(
            received_at=at,
            main=Fetched(
                "ok",
                http_status=200,
                latency_ms=120,
                data=monitoring("4.21.0", sentinel=720, now_ms=int(at.timestamp() * 1000)),
            ),
        ),
    )
    return {
        "program": program,
        "instance": instance,
        "head": head,
        "admin": administrator,
        "developer": developer,
        "reviewer": reviewer(username="rosa"),
        "outsider": UserFactory(username="outsider"),
    }


def valid(**overrides):
    data = {"kind": "training", "base_url": "https://training.example.org", "label": ""}
    data.update(overrides)
    return data


def urls(world):
    pk = world["instance"].pk
    return {
        "list": reverse("instances:list", args=["siaya"]),
        "create": reverse("instances:create", args=["siaya"]),
        "edit": reverse("instances:edit", args=["siaya", pk]),
        "delete": reverse("instances:delete", args=["siaya", pk]),
    }


@pytest.mark.parametrize("page", ["list", "create", "edit", "delete"])
def test_anonymous_is_sent_to_login(client, world, page):
    response = client.get(urls(world)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["list", "create", "edit", "delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_cannot_tell_the_program_exists(client, world, page, method):
    client.force_login(world["outsider"])
    response = getattr(client, method)(urls(world)[page], valid() if method == "post" else None)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "developer"])
def test_reviewers_and_team_members_read_but_change_nothing(client, world, who):
    client.force_login(world[who])
    page = client.get(urls(world)["list"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "chis.example.org" in html
    assert 'data-flag="sentinel_backlog"' in html and 'data-flag="end_of_life"' in html
    assert reverse("instances:edit", args=["siaya", world["instance"].pk]) not in html
    assert "Add an instance" not in html
    for name in ("create", "edit", "delete"):
        assert client.get(urls(world)[name]).status_code == 403
        assert client.post(urls(world)[name], valid()).status_code == 403
    assert Instance.objects.count() == 1


@pytest.mark.parametrize("who", ["head", "admin"])
def test_heads_and_administrators_add_edit_and_delete(client, world, who):
    client.force_login(world[who])
    response = client.post(urls(world)["create"], valid(go_live_on="2027-03-01"))
    assert response.status_code == 302 and response["Location"] == urls(world)["list"]
    added = Instance.objects.get(base_url="https://training.example.org")
    assert (added.program, added.kind, added.go_live_on) == (
        world["program"],
        "training",
        datetime.date(2027, 3, 1),
    )
    edit = reverse("instances:edit", args=["siaya", added.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, valid(base_url="training.example.org/", label="Training"))
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.label, added.base_url) == ("Training", "https://training.example.org")
    delete = reverse("instances:delete", args=["siaya", added.pk])
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not Instance.objects.filter(pk=added.pk).exists()


def test_the_tab_shows_status_version_support_figures_and_rules(client, world):
    client.force_login(world["head"])
    html = client.get(urls(world)["list"]).content.decode()
    assert 'data-status="up"' in html
    assert "4.21.0" in html and 'data-support="end_of_life"' in html
    assert "End of life since 10 Jan 2026" in html
    assert '<dd class="col-5" data-figure="sentinel">720</dd>' in html
    assert "How these figures are worked out" in html
    assert "More than 499 changes wait for Sentinel" in html
    assert 'href="/programs/siaya/instances/"' in html  # the tab
    assert 'aria-current="page" href="/programs/siaya/instances/"' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (valid(base_url=""), "base_url", "This field is required."),
        (valid(base_url="ftp://cht.example.org"), "base_url", "Enter the instance's web address"),
        (valid(base_url="https://u:p@cht.example.org"), "base_url", "Leave the user name"),
        (valid(base_url="https://cht.example.org/?x=1"), "base_url", "without “?” or “#”"),
        (valid(base_url="https://chis.example.org/"), "base_url", "already registered"),
        (valid(kind="staging"), "kind", "Select a valid choice"),
        (valid(go_live_on="31/02/2027"), "go_live_on", "Enter a valid date"),
        (valid(impact_username="monitor"), "impact_password", "Enter both"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(client, world, data, field, message):
    client.force_login(world["head"])
    response = client.post(urls(world)["create"], data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert "Please correct the errors below" in response.content.decode()
    assert Instance.objects.count() == 1


def test_credentials_are_stored_encrypted_and_never_shown_back(client, world):
    client.force_login(world["head"])
    edit = urls(world)["edit"]
    data = valid(
        base_url="https://chis.example.org",
        kind="production",
        impact_username="monitor-user",
        impact_password="Very-Secret-42",
    )
    assert client.post(edit, data).status_code == 302
    instance = Instance.objects.get(pk=world["instance"].pk)
    assert instance.has_credentials and instance.credentials_set_at is not None
    assert "Very-Secret-42" not in instance.impact_credentials
    assert "monitor-user" not in instance.impact_credentials
    page = client.get(edit).content.decode()
    assert "Very-Secret-42" not in page and "monitor-user" not in page
    assert 'data-role="credentials-stored"' in page
    # Saving without typing them again keeps them; the box removes them.
    client.post(edit, valid(base_url="https://chis.example.org", kind="production"))
    instance.refresh_from_db()
    assert instance.has_credentials
    client.post(edit, valid(base_url="https://chis.example.org", clear_credentials="on"))
    instance.refresh_from_db()
    assert not instance.has_credentials


def test_without_a_key_credentials_cannot_be_stored(client, world, settings):
    settings.INSTANCE_CREDENTIALS_KEY = ""
    client.force_login(world["head"])
    page = client.get(urls(world)["create"]).content.decode()
    assert "INSTANCE_CREDENTIALS_KEY" in page
    with pytest.raises(Exception, match="INSTANCE_CREDENTIALS_KEY"):
        services.instance_create(
            program=world["program"],
            base_url="https://x.example.org",
            impact_username="a",
            impact_password="b",
        )


def test_an_instance_shared_with_another_program_is_read_only_there(client, world):
    head = world["head"]
    other = ProgramFactory(head=head, slug="kisumu", name="Kisumu CHV")
    client.force_login(head)
    data = valid(base_url="https://chis.example.org", kind="production", shared_with=[other.pk])
    assert client.post(urls(world)["edit"], data).status_code == 302
    page = client.get(reverse("instances:list", args=["kisumu"])).content.decode()
    assert "chis.example.org" in page and "Managed by Siaya CHV" in page
    assert reverse("instances:edit", args=["kisumu", world["instance"].pk]) not in page
    response = client.get(reverse("instances:edit", args=["kisumu", world["instance"].pk]))
    assert response.status_code == 404
    # Someone on the other program only sees it there, not in Siaya.
    member = UserFactory(username="kisumu-dev")
    membership_add(program=other, user=member, role=PersonaRole.SOFTWARE_DEVELOPER)
    client.force_login(member)
    assert client.get(reverse("instances:list", args=["kisumu"])).status_code == 200
    assert client.get(urls(world)["list"]).status_code == 404


def test_sharing_is_offered_only_with_programs_one_manages(client, world):
    mine = ProgramFactory(head=world["head"], slug="mine", name="Mine")
    ProgramFactory(slug="not-mine", name="Not mine")
    client.force_login(world["head"])
    form = client.get(urls(world)["create"]).context["form"]
    assert list(form.fields["shared_with"].queryset) == [mine]
    response = client.post(
        urls(world)["create"],
        valid(shared_with=[ProgramFactory(slug="third").pk]),
    )
    assert response.status_code == 400
    assert "shared_with" in response.context["form"].errors


def test_an_instance_never_polled_shows_unknowns_not_an_error(client, world):
    services.instance_create(program=world["program"], base_url="https://new.example.org")
    client.force_login(world["head"])
    html = client.get(urls(world)["list"]).content.decode()
    assert "Not polled yet" in html
    assert '<dd class="col-5" data-figure="uptime">unknown / unknown</dd>' in html


def test_deleting_an_instance_takes_its_snapshots_and_flags(client, world):
    from instances.models import InstanceFlag, Snapshot

    client.force_login(world["head"])
    assert Snapshot.objects.count() == 1 and InstanceFlag.objects.count() == 2
    assert client.post(urls(world)["delete"]).status_code == 302
    assert not Instance.objects.exists()
    assert (Snapshot.objects.count(), InstanceFlag.objects.count()) == (0, 0)
