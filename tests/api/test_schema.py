"""The OpenAPI schema and the docs page, served from the project's own files (no CDN); the
PDF download; and JSON answers for addresses that name nothing."""

import re

import pytest
import yaml

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_schema_needs_a_sign_in_and_describes_every_endpoint(world):
    assert client_for().get("/api/v1/schema/").status_code == 401
    response = client_for(world["reviewer"]).get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/programs/",
        "/api/v1/programs/{slug}/lifecycle/",
        "/api/v1/programs/{slug}/activities/{activity_id}/",
        "/api/v1/programs/{slug}/indicators/{indicator_id}/measurements/",
        "/api/v1/programs/{slug}/reports/{version}/download/",
        "/api/v1/programs/{slug}/instances/{instance_id}/snapshots/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/programs/{slug}/activities/{activity_id}/"]) == {"get", "patch"}
    assert "post" in paths["/api/v1/programs/{slug}/indicators/{indicator_id}/measurements/"]
    assert schema["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    money = schema["components"]["schemas"]["Money"]["properties"]
    assert money["amount"]["type"] == "string" and money["currency"]["pattern"] == "^[A-Z]{3}$"


def test_the_docs_page_is_for_signed_in_people_and_loads_nothing_from_outside(client, world):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world["member"])
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not re.match(r"(https?:)?//", source) for source in sources), sources
    script = next(source for source in sources if "swagger-ui-bundle" in source)
    assert script.startswith("/static/drf_spectacular_sidecar/")
    assert client.get(script).status_code == 200


def test_the_pdf_of_a_ready_version_downloads(world):
    response = client_for(world["member"]).get("/api/v1/programs/kenya-chv/reports/1/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    listing = client_for(world["member"]).get("/api/v1/programs/kenya-chv/reports/").json()
    assert listing["results"][0]["download_url"].endswith("/reports/1/download/")


def test_a_missing_version_is_a_json_404_even_to_a_client_asking_for_a_pdf(world):
    response = client_for(world["head"]).get(
        "/api/v1/programs/kenya-chv/reports/9/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No such report."}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/programs/kenya-chv/activities/99999999999999999999999/",
        "/api/v1/programs",
    ],
)
def test_addresses_that_name_nothing_answer_json(world, path):
    response = client_for(world["head"]).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found.")


def test_money_is_a_decimal_string_with_its_currency(world):
    body = client_for(world["head"]).get("/api/v1/programs/kenya-chv/").json()
    assert body["budget_forecast"] == {"amount": "250000.00", "currency": "KES"}
    assert body["budget_spent"] == {"amount": "1200.50", "currency": "KES"}
    lines = client_for(world["head"]).get("/api/v1/programs/kenya-chv/budget-lines/").json()
    assert lines["results"][0]["spent"] == {"amount": "1200.50", "currency": "KES"}
