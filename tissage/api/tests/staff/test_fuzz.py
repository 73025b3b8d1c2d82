"""The staff endpoints fuzzed with schemathesis, with a valid token: no 5xx, and every
answer (status, content type, body) as the OpenAPI document says.

Half the cases name real objects (the project, action, campaign and item of the
organisation), so that the successful answers are checked too, not only the 404s.
Deterministic (`derandomize`, no example database) and bounded (under a minute on a
loaded two-core machine). Until the shared helper of the public endpoints
(`tissage/api/tests/fuzz.py`) lands, this module carries its own loop."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.tests.helpers import in_days, register
from tissage.api.tests.helpers import a_token
from tissage.core.tests.factories import UserFactory
from tissage.inventories.tests.helpers import heritage_campaign, submit

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_the_staff_endpoints_survive_fuzzing_with_a_token(project, staff, settings_, mode):
    settings_.API_WRITE_RATE_LIMIT = 0
    settings_.ALLOWED_HOSTS = ["localhost", "testserver"]
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
    real = {
        "project_slug": project.slug,
        "slug": None,  # the action's or the campaign's, by the path
        "pk": item.pk,
    }
    secret = a_token(staff, project.organisation)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    generation = (
        schemathesis.GenerationMode.POSITIVE
        if mode == "positive"
        else schemathesis.GenerationMode.NEGATIVE
    )
    operations = [
        result.ok()
        for result in schema.get_all_operations()
        if result.ok().path.startswith("/api/v1/staff/")
    ]
    assert len(operations) == 7

    statuses: list[int] = []
    for operation in operations:
        slug = campaign.slug if "/campaigns/" in operation.path else action.slug
        _fuzz(operation, generation, secret, real | {"slug": slug}, statuses, mode == "positive")
    # The token was used: successes and refusals of content, not only 401s (negative
    # cases also spoil the Authorization header on purpose).
    assert 422 in statuses
    if mode == "positive":
        assert 401 not in statuses
        assert 200 in statuses
        _created_and_changed(operations, project, action, secret)


def _created_and_changed(operations, project, action, secret) -> None:  # type: ignore[no-untyped-def]
    """Random bodies seldom make a valid action (a date to come, the same day…): one
    made and one changed on purpose, their answers checked against the document too."""
    by_path = {(op.method.upper(), op.path): op for op in operations}
    start = in_days(8)
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
        response = case.call(headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == status, response.text
        case.validate_response(response, checks=CHECKS)


def _fuzz(operation, generation, secret, real, statuses, validate) -> None:  # type: ignore[no-untyped-def]
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=generation), name_real=st.booleans())
    def fuzz(case, name_real):  # type: ignore[no-untyped-def]
        if name_real and case.path_parameters:
            for name in case.path_parameters:
                case.path_parameters[name] = real[name]
        response = case.call(headers={"Authorization": f"Bearer {secret}"})
        statuses.append(response.status_code)
        assert response.status_code < 500, (case.method, case.formatted_path, response.text)
        if validate:
            case.validate_response(response, checks=CHECKS)

    fuzz()


@pytest.fixture
def settings_(settings):
    return settings


@pytest.fixture(autouse=True)
def connections_kept_open():
    """The WSGI app closes the database connection at the end of each request; the test's
    transaction must outlive them (as Django's test client arranges for its requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
