"""CORS for reading, never for writing, never with credentials; JSON for the addresses
under /api/v1/ that no endpoint answers."""

import pytest

from tissage.core.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.mairie-exemple.fr"


def test_reads_are_open_to_every_origin_without_credentials(client):
    ProjectFactory()

    response = client.get("/api/v1/projects", HTTP_ORIGIN=ORIGIN)

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert set(response["Access-Control-Expose-Headers"].split(", ")) == {
        "ETag",
        "Last-Modified",
        "Link",
    }


def test_errors_are_readable_from_another_origin_too(client):
    response = client.get("/api/v1/projects/personne", HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_for_a_read_is_answered_with_what_may_be_sent(client):
    response = client.options(
        "/api/v1/actions",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "Authorization" not in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_writes_get_no_cors_header_nor_a_preflight(client):
    preflight = client.options(
        "/api/v1/actions", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    write = client.post("/api/v1/actions", HTTP_ORIGIN=ORIGIN)

    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Origin" not in write


def test_the_rest_of_the_site_gets_no_cors_header(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/projects/", "/api/v1/projects/a/b"])
def test_an_address_no_endpoint_answers_is_a_json_404(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"].startswith("Nothing here")
