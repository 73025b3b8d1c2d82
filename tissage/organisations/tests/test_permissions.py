"""The role-by-view permission matrix for organisations (see organisations/access.py)."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# Only administrators of the organisation (and superusers) manage it.
EDIT = {
    "anonymous": "login",
    "participant": 403,
    "project_member": 403,
    "project_facilitator": 403,
    "organisation_facilitator": 403,
    "organisation_admin": "ok",
    "superuser": "ok",
}
assert set(EDIT) == set(ROLES)


def organisation_for(client, role: str) -> Organisation:
    project = ProjectFactory()
    user = user_with_role(role, project)
    if user is not None:
        client.force_login(user)
    return project.organisation


@pytest.mark.parametrize(("role", "expected"), EDIT.items())
def test_organisation_edit_page(client, role, expected):
    organisation = organisation_for(client, role)

    response = client.get(f"/structures/{organisation.slug}/modifier/")

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif expected == "ok":
        assert response.status_code == 200
        assert response.context["form"].instance == organisation
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), EDIT.items())
def test_organisation_edit_post(client, role, expected):
    organisation = organisation_for(client, role)
    old_name = organisation.name

    response = client.post(
        f"/structures/{organisation.slug}/modifier/",
        {
            "name": "Nouveau nom",
            "kind": Organisation.Kind.COLLECTIVE,
            "description": "",
            "website": "",
            "contact_email": "",
        },
    )

    organisation.refresh_from_db()
    if expected == "ok":
        assert response.status_code == 302
        assert response["Location"] == f"/structures/{organisation.slug}/"
        assert organisation.name == "Nouveau nom"
        assert organisation.kind == Organisation.Kind.COLLECTIVE
    else:
        assert response.status_code in {302, 403}
        assert response.status_code == (302 if expected == "login" else expected)
        assert organisation.name == old_name


def test_organisation_edit_refuses_invalid_data(client):
    organisation = organisation_for(client, "organisation_admin")

    response = client.post(
        f"/structures/{organisation.slug}/modifier/",
        {"name": "", "kind": "not-a-kind", "contact_email": "nope"},
    )

    assert response.status_code == 200
    assert {"name", "kind", "contact_email"} <= set(response.context["form"].errors)


def test_unknown_organisation_is_404(client):
    assert client.get("/structures/nowhere/").status_code == 404


@pytest.mark.parametrize(
    ("role", "can_manage", "can_create_project"),
    [
        ("anonymous", False, False),
        ("participant", False, False),
        ("project_member", False, False),
        ("project_facilitator", False, False),
        ("organisation_facilitator", False, True),
        ("organisation_admin", True, True),
        ("superuser", True, True),
    ],
)
def test_detail_offers_the_actions_the_role_allows(client, role, can_manage, can_create_project):
    organisation = organisation_for(client, role)

    response = client.get(f"/structures/{organisation.slug}/")

    assert response.status_code == 200
    assert response.context["can_manage"] is can_manage
    assert response.context["can_create_project"] is can_create_project
    assert (f'href="/structures/{organisation.slug}/modifier/"' in response.text) is can_manage
    assert (
        f'href="/structures/{organisation.slug}/nouveau-projet/"' in response.text
    ) is can_create_project
