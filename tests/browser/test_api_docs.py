"""The API's documentation page (/api/v1/docs): Swagger UI from our own static files,
working under the site's strict Content-Security-Policy, and a call made from it."""

import pytest
from playwright.sync_api import Page, expect

from tissage.core.tests.factories import ProjectFactory

from .conftest import AXE_RUN, AXE_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Swagger UI's operation headers are buttons holding other controls (its React markup):
# the one rule our template and stylesheet cannot mend. Any other violation fails.
SWAGGER_UI_OWN = {"nested-interactive"}


def test_the_docs_page_lists_the_endpoints_and_tries_one_without_a_csp_refusal(
    page: Page, axe_source: str
):
    ProjectFactory(title="Haies du Crestois", slug="haies")

    response = page.goto("/api/v1/docs")

    assert response is not None and response.status == 200
    operation = page.locator("#operations-Projects-tissage_api_public_projects_projects_list")
    expect(operation).to_be_visible()
    expect(page.get_by_text("Reading needs no key")).to_be_visible()
    page.evaluate(axe_source)
    violations = {violation["id"] for violation in page.evaluate(AXE_RUN, AXE_TAGS)}
    assert violations <= SWAGGER_UI_OWN, violations
    operation.locator("button.opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table")).to_contain_text('"slug": "haies"')
    assert not page.problems, "\n".join(page.problems)  # type: ignore[attr-defined]
