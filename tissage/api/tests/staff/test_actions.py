"""Creating and changing actions through the API: the facilitators' form's checks and
words, the manage services' writes, nothing half-saved, a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.actions.models import Action, Registration, Role
from tissage.actions.tests.helpers import an_action, in_days, register
from tissage.api.tests.helpers import a_token, call
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(project, staff):
    return a_token(staff, project.organisation)


def _create(client, project, secret, **body):  # type: ignore[no-untyped-def]
    start = in_days(5)
    body = {
        "title": "Plantation de haies",
        "starts_at": start.isoformat(),
        "ends_at": (start + datetime.timedelta(hours=3)).isoformat(),
    } | body
    return call(
        client,
        "post",
        f"/api/v1/staff/projects/{project.slug}/actions",
        secret,
        body,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_action_is_created_as_the_page_creates_it(client, project, secret):
    commune = CommuneFactory(insee_code="26108", name="Crest")
    project.communes.add(commune)

    response = _create(
        client,
        project,
        secret,
        roles=[{"name": "Planter", "places": 12}, {"name": "Café", "places": 2}],
        commune="26108",
        address="Place de la mairie",
        status="published",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    action = Action.objects.get()
    assert body["slug"] == action.slug == "plantation-de-haies"
    assert body["url"] == f"http://testserver/actions/{action.slug}/"
    assert body["commune"] == "26108" and action.commune == commune
    assert body["status"] == "published"
    assert [(r["name"], r["places"]) for r in body["roles"]] == [("Planter", 12), ("Café", 2)]
    assert action.starts_at == in_days(5)
    assert action.announced_at is not None  # published: announced, as from the page


def test_without_roles_one_participant_role_takes_the_places(client, project, secret):
    response = _create(client, project, secret, places=8)

    assert response.status_code == 201
    assert [(r.name, r.places) for r in Role.objects.all()] == [("Participant", 8)]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": ""}, "title", "Give the action a title."),
        (
            {"starts_at": "2020-01-01T09:00:00+01:00", "ends_at": "2020-01-01T10:00:00+01:00"},
            "starts_at",
            "This date is past: choose a date to come.",
        ),
        ({"capacity": 0}, "capacity", "At least 1 place, or leave empty."),
        ({"commune": "99999"}, "commune", "Choose one of the communes offered."),
        ({"longitude": 5.02}, "latitude", None),
        (
            {"roles": [{"name": "Planter", "places": 0}]},
            "roles[0].places",
            "At least 1 place.",
        ),
        ({"roles": [{"name": "", "places": 3}]}, "roles[0].name", None),
        ({"reminder_hours_before": 500}, "reminder_hours_before", None),
        ({"title": "Bad\x00"}, "title", None),
    ],
)
def test_refusals_are_the_form_s_on_the_api_s_fields(client, project, secret, body, field, message):
    response = _create(client, project, secret, **body)

    assert response.status_code == 422, response.json()
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors
    if message:
        assert errors[field] == message
    assert not Action.objects.exists()
    assert not Role.objects.exists()


def test_the_end_must_be_the_same_day(client, project, secret):
    start = in_days(5)
    response = _create(
        client, project, secret, ends_at=(start + datetime.timedelta(days=1)).isoformat()
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "ends_at", "message": "The end must be on the same day as the start."}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": 12}, "title"),
        ({"starts_at": "demain"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00:00+14:00"}, "starts_at"),
        ({"capacity": "beaucoup"}, "capacity"),
        ({"kind": "party"}, "kind"),
        ({"longitude": "NaN"}, "longitude"),
        ({"roles": [{"places": 3}]}, "roles[0].name"),
        ({"adress": "typo"}, "adress"),
    ],
)
def test_bad_json_values_are_named_and_explained(client, project, secret, body, field):
    response = _create(client, project, secret, **body)

    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert all(error["message"] for error in response.json()["errors"])
    assert not Action.objects.exists()


def test_a_body_that_is_not_json_is_400_in_french_by_default(client, project, secret):
    response = client.post(
        f"/api/v1/staff/projects/{project.slug}/actions",
        "{title",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 400
    assert (
        response.json()["message"]
        == "Le corps de la requête n’est pas du JSON valide : vérifiez sa syntaxe."
    )


def _patch(client, action, secret, body):  # type: ignore[no-untyped-def]
    return call(
        client,
        "patch",
        f"/api/v1/staff/actions/{action.slug}",
        secret,
        body,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_an_update_changes_only_the_fields_given(client, project, secret):
    action = an_action(project, places=3, description="Apportez des gants")
    role = action.roles.get(name="Planter")

    response = _patch(
        client,
        action,
        secret,
        {
            "title": "Plantation (nouvelle date)",
            "roles": [{"id": role.pk, "name": "Planter", "places": 6}],
        },
    )

    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert action.title == "Plantation (nouvelle date)"
    assert action.description == "Apportez des gants"
    assert action.starts_at == in_days(10)
    assert response.json()["dates_changed"] == 1
    assert {r.name: r.places for r in action.roles.all()} == {"Planter": 6, "Accueil": 2}


def test_a_new_time_is_written_to_the_registrants(client, project, secret, committed):
    action = an_action(project)
    register(action, 1)
    OutgoingEmail.objects.all().delete()
    new_start = in_days(10, 14)

    response = _patch(
        committed(client),
        action,
        secret,
        {"starts_at": new_start.isoformat(), "ends_at": in_days(10, 16).isoformat()},
    )

    assert response.status_code == 200, response.json()
    action.refresh_from_db()
    assert action.starts_at == new_start
    assert OutgoingEmail.objects.filter(to="personne1@example.org").count() == 1


def test_a_refused_update_saves_nothing(client, project, secret):
    action = an_action(project, places=3)
    for number in range(3):
        register(action, number)

    response = _patch(client, action, secret, {"title": "Autre titre", "capacity": 2})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "capacity"
    assert "3 places are already taken" in response.json()["errors"][0]["message"]
    action.refresh_from_db()
    assert action.title == "Plantation de haies" and action.capacity is None


def test_a_role_with_registrants_cannot_be_removed(client, project, secret):
    action = an_action(project)
    register(action, 1)
    role = action.roles.get(name="Planter")

    response = _patch(client, action, secret, {"roles": [{"id": role.pk, "name": ""}]})

    assert response.status_code == 422
    assert "has registrants" in response.json()["message"]
    assert action.roles.filter(pk=role.pk).exists()


def test_null_is_refused_where_it_means_nothing(client, project, secret):
    action = an_action(project)

    response = _patch(client, action, secret, {"title": None, "children_welcome": None})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "children_welcome"}


def _queries(client, method, url, secret, body=None) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as context:
        response = call(client, method, url, secret, body)
    assert response.status_code in (200, 201), response.content
    return len(context)


def test_create_and_update_do_not_grow_with_the_project_s_actions_and_registrants(
    client, project, secret
):
    action = an_action(project, places=40)

    def measure() -> tuple[int, int]:
        start = in_days(20) + datetime.timedelta(minutes=Action.objects.count())
        created = _queries(
            client,
            "post",
            f"/api/v1/staff/projects/{project.slug}/actions",
            secret,
            {
                # A title of its own: `unique_slug` tries -2, -3… one query each.
                "title": f"Atelier {Action.objects.count()}",
                "starts_at": start.isoformat(),
                "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
                "status": "published",
            },
        )
        updated = _queries(
            client,
            "patch",
            f"/api/v1/staff/actions/{action.slug}",
            secret,
            # More places each time: the waiting list is looked at too.
            {"description": "Version", "capacity": 100 + Action.objects.count()},
        )
        return created, updated

    for number in range(2):
        register(action, number)
    measure()  # the token's last use is written once a minute: not in what is compared
    with_two = measure()
    for number in range(2, 20):
        register(action, number)
        an_action(project)
    assert Registration.objects.count() == 20
    assert measure() == with_two
