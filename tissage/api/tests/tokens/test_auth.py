"""`Authorization: Bearer`: which token works, and what the others are told.

Unknown or revoked → 401 with `WWW-Authenticate: Bearer`; an owner no longer on the
organisation's staff → 403 at once; a session plays no part; writes are counted per
token (429 with `Retry-After` over the limit), reads are not."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tissage.api.models import ApiToken
from tissage.api.tests.helpers import a_token, call
from tissage.api.tokens.services import token_revoke
from tissage.organisations.models import OrganisationMembership

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/staff/token"


@pytest.fixture
def secret(project, staff):
    return a_token(staff, project.organisation)


def test_a_valid_token_says_whose_it_is(client, secret, staff, project):
    response = call(client, "get", TOKEN, secret)

    assert response.status_code == 200
    assert response.json() == {
        "name": "Site de la mairie",
        "prefix": secret[:10],
        "organisation": {"slug": project.organisation.slug, "name": project.organisation.name},
        "owner": staff.public_name,
    }


@pytest.mark.parametrize(
    ("header", "challenge"),
    [
        (None, "Bearer"),
        ("Basic dXNlcjpwYXNz", "Bearer"),
        ("Bearer", 'Bearer error="invalid_token"'),
        ("Bearer tsg_unknown", 'Bearer error="invalid_token"'),
        ("Bearer not-even-a-token", 'Bearer error="invalid_token"'),
    ],
)
def test_no_usable_token_is_401_with_a_bearer_challenge(client, secret, header, challenge):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(TOKEN, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == challenge
    assert "compte" in response.json()["message"] or "account" in response.json()["message"]


def test_messages_are_french_by_default_and_english_when_asked(client):
    french = client.get(TOKEN).json()["message"]
    english = client.get(TOKEN, HTTP_ACCEPT_LANGUAGE="en").json()["message"]

    assert french.startswith("Donnez un jeton")
    assert english.startswith("Give a personal API token")


def test_a_revoked_token_is_refused_at_once(client, secret):
    assert call(client, "get", TOKEN, secret).status_code == 200

    token_revoke(token=ApiToken.objects.get())

    response = call(client, "get", TOKEN, secret, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_leaving_the_staff_stops_the_token_at_once(client, secret, staff, project):
    assert call(client, "get", TOKEN, secret).status_code == 200

    OrganisationMembership.objects.filter(user=staff).delete()

    response = call(client, "get", TOKEN, secret, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "no longer on the staff" in response.json()["message"]
    assert project.organisation.name in response.json()["message"]


def test_a_session_neither_replaces_nor_changes_the_token(client, secret, staff):
    other = get_user_model().objects.create(email="other@example.org", display_name="Other")
    client.force_login(other)

    assert client.get(TOKEN).status_code == 401  # signed in, no token
    assert call(client, "get", TOKEN, secret).json()["owner"] == staff.public_name

    client.logout()  # an expired session changes nothing either
    assert call(client, "get", TOKEN, secret).status_code == 200


def test_writes_are_limited_per_token_and_say_when_to_come_back(
    client, settings, secret, project, staff
):
    settings.API_WRITE_RATE_LIMIT = 2
    url = f"/api/v1/staff/projects/{project.slug}/actions"
    for _attempt in range(2):  # refused for their content, counted all the same
        assert call(client, "post", url, secret, {"title": ""}).status_code == 422

    response = call(client, "post", url, secret, {"title": ""}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 2 * 3600
    assert "too many changes" in response.json()["message"]
    # Another token of the same person has its own count; reads are not counted.
    other = a_token(staff, project.organisation, name="Other")
    assert call(client, "post", url, other, {"title": ""}).status_code == 422
    for _attempt in range(3):
        assert call(client, "get", TOKEN, secret).status_code == 200


def test_the_last_use_shows_on_the_token(client, secret):
    assert ApiToken.objects.get().last_used_at is None

    call(client, "get", TOKEN, secret)

    assert ApiToken.objects.get().last_used_at is not None
