"""The registrants' export through the API: the web export's content (JSON), and its very
file (CSV), in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.actions.attendance.exports import registrants_sheets
from tissage.actions.registration.services import registration_assisted
from tissage.actions.tests.helpers import an_action, register
from tissage.api.tests.helpers import a_token, call

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(project, staff):
    return a_token(staff, project.organisation)


def test_the_json_holds_the_export_s_lines(client, project, staff, secret):
    action = an_action(project, places=1)
    register(action, 1, phone="06 12 34 56 78")
    register(action, 2)  # waiting list
    cancelled = register(action, 3, role="Accueil")
    from tissage.actions.registration.services import registrant_cancel

    registrant_cancel(registration=cancelled, base_url="https://tissage.example")

    response = call(client, "get", f"/api/v1/staff/actions/{action.slug}/registrants", secret)

    assert response.status_code == 200
    lines = response.json()
    rows = registrants_sheets(action)[0].rows
    assert [line["name"] for line in lines] == [row[0] for row in rows]  # type: ignore[union-attr]
    assert lines[0] | {"registered_at": None} == {
        "name": "Personne 1",
        "email": "personne1@example.org",
        "phone": "06 12 34 56 78",
        "role": "Planter",
        "status": "confirmed",
        "companions": 0,
        "registered_at": None,
        "walk_in": False,
        "attended": None,
        "hours": 3.0,
    }
    assert [line["status"] for line in lines] == ["confirmed", "waiting"]


def test_someone_registered_without_an_address_has_an_empty_email(client, project, staff, secret):
    action = an_action(project)
    registration_assisted(
        action=action,
        role=action.roles.get(name="Planter"),
        name="Mme Martin",
        email="",
        phone="",
        companions=0,
        entered_by=staff,
        base_url="https://tissage.example",
    )

    lines = call(client, "get", f"/api/v1/staff/actions/{action.slug}/registrants", secret).json()
    assert [(line["name"], line["email"]) for line in lines] == [("Mme Martin", "")]


def test_the_csv_is_the_web_export_s_file(client, project, staff, secret):
    action = an_action(project)
    register(action, 1)
    client.force_login(staff)
    web = client.get(f"/actions/{action.slug}/export-inscrits.csv")
    client.logout()

    response = call(client, "get", f"/api/v1/staff/actions/{action.slug}/registrants.csv", secret)

    assert response.status_code == 200
    assert response["Content-Type"] == web["Content-Type"]
    assert response.content == web.content
    assert response["Content-Disposition"] == web["Content-Disposition"]


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_the_export_reads_in_a_constant_number_of_queries(client, project, secret, suffix):
    action = an_action(project, places=30)
    url = f"/api/v1/staff/actions/{action.slug}/registrants{suffix}"

    def measure() -> int:
        with CaptureQueriesContext(connection) as context:
            assert call(client, "get", url, secret).status_code == 200
        return len(context)

    for number in range(2):
        register(action, number)
    measure()  # the token's last use is written once a minute: not in what is compared
    with_two = measure()
    for number in range(2, 20):
        register(action, number)
    assert measure() == with_two
