"""The hosting estimate offers the documents per GB a live instance of the program stores."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from instances import selectors, services
from tests.factories import ProgramFactory, UserFactory

from .helpers import poll_at

pytestmark = pytest.mark.django_db


def test_the_estimate_offers_the_density_observed_on_the_production_instance(client):
    head = UserFactory()
    program = ProgramFactory(head=head, slug="siaya")
    client.force_login(head)
    url = reverse("plan:hosting-estimate", args=["siaya"])
    assert 'id="observed-density"' not in client.get(url).content.decode()  # nothing polled

    instance = services.instance_create(program=program, base_url="https://chis.siaya.example")
    poll_at(instance, timezone.now(), docs=300_000)
    observed = selectors.observed_documents_per_gb(program=program)
    assert observed is not None and observed.documents_per_gb > 0
    page = client.get(url).content.decode()
    assert 'id="observed-density"' in page and "Use what it stores" in page
    link = re.search(r'id="observed-density".*?href="([^"]+)"', page, re.S).group(1)
    assert f"documents_per_gb={observed.documents_per_gb}" in link

    # With the calibration, the database holds the same documents in a size worked from it.
    inputs = {"users": 100, "population": 10_000, "workflows": 3, "years": 2, "overprovisioning": 5}
    calibrated = client.get(url, {**inputs, "documents_per_gb": 1_000}).content.decode()
    assert 'data-figure="documents">73,700<' in calibrated
    # ceil(73,700 / 1,000) = 74 GB of database + 5 × 74 + 50 = 494 GB
    assert 'data-figure="disk">494 GB<' in calibrated
    assert "The estimate uses it." not in calibrated  # 1,000 is not what it stores
