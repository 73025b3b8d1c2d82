"""The staff endpoints fuzzed with schemathesis against the live server, with a valid
token: no 5xx, and every answer (status, content type, headers, body) as the OpenAPI
document says, for valid and invalid cases (`tissage/api/tests/fuzz.py`).

Half the cases name real objects (the project, action, campaign and item of the
organisation), so that the successful answers are checked too, not only the 404s.
Deterministic (`derandomize`, no example database) and bounded."""

from __future__ import annotations

import datetime

import pytest
import schemathesis

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.tests.helpers import in_days, register
from tissage.api.tests.fuzz import CHECKS, fuzz
from tissage.api.tests.helpers import a_token
from tissage.core.tests.factories import UserFactory
from tissage.inventories.tests.helpers import heritage_campaign, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_staff_endpoints_survive_fuzzing_with_a_token(live_server, project, staff, settings):
    settings.API_WRITE_RATE_LIMIT = 0
    start = in_days(5)
    action = action_create(
        project=project,
        title="Plantation",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        roles=[RoleInput("Planter", 5)],
        status="published",
    )
    register(action, 1)
    campaign = heritage_campaign(project=project)
    item = submit(campaign, contributor=UserFactory())
    secret = a_token(staff, project.organisation)

    def known(path: str) -> dict[str, object]:
        slug = campaign.slug if "/campaigns/" in path else action.slug
        return {"project_slug": project.slug, "slug": slug, "pk": item.pk}

    statuses: list[int] = []
    operations = fuzz(
        live_server.url,
        headers={"Authorization": f"Bearer {secret}"},
        include=r"^/api/v1/staff/",
        known=known,
        max_examples=25,
        statuses=statuses,
    )

    assert len(operations) == 7
    # The token was used: answers with content and refusals of content, not only 401s
    # (negative cases also spoil the Authorization header on purpose).
    assert {200, 404, 422} <= set(statuses)
    assert statuses.count(401) < len(statuses) / 2


def test_a_made_and_a_changed_action_answer_as_the_document_says(live_server, project, staff):
    """Random bodies seldom make a valid action (a date to come, the same day…): one made
    and one changed on purpose, their answers checked against the document too."""
    start = in_days(8)
    action = action_create(
        project=project,
        title="Plantation",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        roles=[RoleInput("Planter", 5)],
        status="published",
    )
    secret = a_token(staff, project.organisation)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    by_path = {
        (op.method.upper(), op.path): op for op in (r.ok() for r in schema.get_all_operations())
    }
    made = by_path["POST", "/api/v1/staff/projects/{project_slug}/actions"].Case(
        path_parameters={"project_slug": project.slug},
        body={
            "title": "Atelier",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
            "roles": [{"name": "Atelier", "places": 4}],
        },
        media_type="application/json",
    )
    changed = by_path["PATCH", "/api/v1/staff/actions/{slug}"].Case(
        path_parameters={"slug": action.slug},
        body={"description": "Gants fournis", "capacity": 30},
        media_type="application/json",
    )
    for case, status in ((made, 201), (changed, 200)):
        response = case.call(
            base_url=live_server.url, headers={"Authorization": f"Bearer {secret}"}
        )
        assert response.status_code == status, response.text
        case.validate_response(response, checks=CHECKS)
