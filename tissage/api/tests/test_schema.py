"""The API's OpenAPI document: valid OpenAPI 3.1, and browsable without a CDN."""

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_every_public_operation_is_tagged_summarised_and_documents_its_answers(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert {tag["name"] for tag in schema["tags"]} >= {"Actions", "Inventories"}
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/staff/"):
            continue
        operation = operations["get"]
        assert operation["tags"] and operation["summary"], path
        responses = set(operation["responses"])
        assert {"200", "304"} <= responses, path
        assert responses & {"400", "404"}, path
    items = schema["paths"]["/api/v1/campaigns/{slug}/items"]["get"]
    assert "application/geo+json" in items["responses"]["200"]["content"]
    assert {parameter["name"] for parameter in items["parameters"]} >= {
        "bbox",
        "cursor",
        "limit",
        "updated_since",
    }
