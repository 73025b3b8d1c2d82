"""Initiatives: the role × visibility matrix for every URL."""

from __future__ import annotations

import pytest

from tissage.collectives.models import Initiative
from tissage.collectives.tests.factories import COLLECTIVE_ROLES, CollectiveFactory, client_for_role

from .helpers import LOGIN, assert_login, base, propose

pytestmark = pytest.mark.django_db


# --- Permission matrix ------------------------------------------------------------
# Expected answer per role; LOGIN is a redirect to the sign-in page, 302 a redirect
# after the action. Staff of the organisation and superusers moderate but are not
# members: they neither propose nor join.

READ_PUBLIC = dict.fromkeys(COLLECTIVE_ROLES, 200)
READ_MEMBERS = {
    "anonymous": LOGIN,
    "outsider": 404,
    "pending": 404,
    "member": 200,
    "coordinator": 200,
    "organisation_staff": 200,
    "superuser": 200,
}


def participate(done: int, hidden: int | str) -> dict[str, int | str]:
    return {
        "anonymous": LOGIN,
        "outsider": hidden,
        "pending": hidden,
        "member": done,
        "coordinator": done,
        "organisation_staff": 403,
        "superuser": 403,
    }


def moderate(done: int, hidden: int | str) -> dict[str, int | str]:
    return {
        "anonymous": LOGIN,
        "outsider": hidden,
        "pending": hidden,
        "member": 403,
        "coordinator": done,
        "organisation_staff": done,
        "superuser": done,
    }


# (name, method, path after /initiatives/, data, expected public, expected members only)
URLS = [
    ("list", "get", "", {}, READ_PUBLIC, READ_MEMBERS),
    ("detail", "get", "{pk}/", {}, READ_PUBLIC, READ_MEMBERS),
    ("create_form", "get", "nouvelle/", {}, participate(200, 403), participate(200, 404)),
    (
        "create",
        "post",
        "nouvelle/",
        {"title": "Guinguette", "what": "Un bal l’été."},
        participate(302, 403),
        participate(302, 404),
    ),
    ("join", "post", "{pk}/rejoindre/", {}, participate(302, 403), participate(302, 404)),
    ("leave", "post", "{pk}/quitter/", {}, participate(302, 403), participate(302, 404)),
    ("edit_form", "get", "{pk}/modifier/", {}, moderate(200, 403), moderate(200, 404)),
    (
        "edit",
        "post",
        "{pk}/modifier/",
        {"title": "Autre nom", "what": "Autre chose."},
        moderate(302, 403),
        moderate(302, 404),
    ),
    (
        "status",
        "post",
        "{pk}/statut/",
        {"status": "forming"},
        moderate(302, 403),
        moderate(302, 404),
    ),
    ("project", "post", "{pk}/projet/", {}, moderate(302, 403), moderate(302, 404)),
]


@pytest.mark.parametrize("visibility", ["public", "members"])
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
@pytest.mark.parametrize(
    ("name", "method", "path", "data", "public", "members"), URLS, ids=[u[0] for u in URLS]
)
def test_permission_matrix(visibility, role, name, method, path, data, public, members):
    collective = CollectiveFactory(archive_visibility=visibility)
    initiative = propose(collective)
    initiative.status = Initiative.Status.ACTIVE
    initiative.save()
    client, _user = client_for_role(role, collective)
    url = base(collective) + path.format(pk=initiative.pk)
    expected = (public if visibility == "public" else members)[role]

    response = getattr(client, method)(url, data)

    if expected == LOGIN:
        assert_login(response)
    else:
        assert response.status_code == expected
    done = expected in (200, 302) and method == "post"
    initiative.refresh_from_db()
    if name == "create":
        assert Initiative.objects.filter(title="Guinguette").exists() is done
    elif name == "join":
        assert initiative.members.count() == (2 if done else 1)
    elif name == "edit":
        assert (initiative.title == "Autre nom") is done
    elif name == "status":
        assert (initiative.status == Initiative.Status.FORMING) is done
    elif name == "project":
        assert (initiative.project_id is not None) is done


def test_get_is_refused_on_action_urls(client):
    collective = CollectiveFactory()
    initiative = propose(collective)
    client.force_login(initiative.proposed_by)
    for path in ["rejoindre/", "quitter/", "statut/", "projet/"]:
        assert client.get(f"{base(collective)}{initiative.pk}/{path}").status_code == 405


def test_initiative_of_another_collective_is_not_found(client):
    collective, other = CollectiveFactory(), CollectiveFactory()
    initiative = propose(other)
    assert client.get(f"{base(collective)}{initiative.pk}/").status_code == 404
