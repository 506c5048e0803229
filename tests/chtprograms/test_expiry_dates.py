"""The dates reminders watch: the data-sharing agreement and the production instance's domain
and certificate (kept on the Instances tab, shown on the hosting page)."""

import datetime

import pytest
from django.urls import reverse

from chtprograms.models import DataSharingAgreement
from instances.models import Instance
from personas.models import PersonaRole
from personas.services import membership_add
from tests.factories import ProgramFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db

PAGES = ["chtprograms:data-sharing-agreement", "instances:create"]


@pytest.fixture
def program():
    return ProgramFactory(slug="togo-asc", name="Togo ASC", country="TG")


@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_the_forms(client, program, page):
    url = reverse(page, args=[program.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # outsider
    developer = UserFactory()
    membership_add(program=program, user=developer, role=PersonaRole.SOFTWARE_DEVELOPER)
    client.force_login(developer)
    assert client.get(url).status_code == 403
    client.force_login(reviewer())
    assert client.get(url).status_code == 403
    admin = UserFactory()
    membership_add(program=program, user=admin, role=PersonaRole.PROGRAM_ADMIN)
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_the_data_sharing_agreement_is_recorded_and_shown_on_the_considerations_page(
    client, program
):
    head = program.memberships.get(role=PersonaRole.PROGRAM_HEAD).user
    client.force_login(head)
    url = reverse("chtprograms:data-sharing-agreement", args=[program.slug])
    bad = client.post(
        url, {"reference": "MoU", "signed_on": "2027-05-01", "expires_on": "2027-01-01"}
    )
    assert bad.status_code == 400
    assert "The expiry cannot be before the signature." in bad.content.decode()
    assert not DataSharingAgreement.objects.exists()
    response = client.post(
        url,
        {
            "reference": "MoU MoH-Togo 2027/3",
            "data_controller": "Ministère de la Santé",
            "signed_on": "2027-01-10",
            "expires_on": "2029-01-09",
        },
    )
    assert response.status_code == 302
    agreement = DataSharingAgreement.objects.get(program=program)
    assert agreement.expires_on == datetime.date(2029, 1, 9)
    page = client.get(reverse("chtprograms:considerations", args=[program.slug])).content.decode()
    assert "MoU MoH-Togo 2027/3" in page and "9 Jan 2029" in page


def test_the_production_instance_is_recorded_and_shown_on_the_hosting_page(client, program):
    head = program.memberships.get(role=PersonaRole.PROGRAM_HEAD).user
    client.force_login(head)
    url = reverse("instances:create", args=[program.slug])
    fields = {"kind": "production", "polling_enabled": "on", "base_url": "", "label": ""}
    assert client.post(url, fields).status_code == 400
    bad = client.post(
        url, {**fields, "base_url": "asc.sante.gouv.tg", "tls_expires_on": "9999-12-31"}
    )
    assert bad.status_code == 400 and 'id="id_tls_expires_on_error"' in bad.content.decode()
    response = client.post(
        url,
        {
            **fields,
            "base_url": "https://asc.sante.gouv.tg/",
            "domain_renews_on": "2027-09-30",
            "tls_expires_on": "2027-06-30",
        },
    )
    assert response.status_code == 302
    instance = Instance.objects.get(program=program)
    assert instance.domain == "asc.sante.gouv.tg"
    assert (instance.domain_renews_on, instance.tls_expires_on) == (
        datetime.date(2027, 9, 30),
        datetime.date(2027, 6, 30),
    )
    page = client.get(reverse("plan:hosting-estimate", args=[program.slug])).content.decode()
    assert "asc.sante.gouv.tg" in page and "30 Jun 2027" in page
    # Where the dates were kept before: a permanent redirect to the Instances tab.
    old = client.get(f"/programs/{program.slug}/hosting-instance/")
    assert old.status_code == 301
    assert old["Location"] == reverse("instances:list", args=[program.slug])
