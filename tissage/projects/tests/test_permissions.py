"""The role-by-view permission matrix for projects, rule by rule (see projects/access.py).

Each table gives, for every role, what the page answers:
ok (200, or the redirect after a successful POST), login (sent to sign in),
forbidden (403) or not_found (404, so that drafts do not leak).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    STAFF,
    STAFF_DRAFT,
    assert_answer,
    matrix,
)
from tissage.projects.models import NewsPost, Project, ProjectMembership

pytestmark = pytest.mark.django_db


def signed_in_as(client, role: str, project: Project):
    user = user_with_role(role, project)
    if user is not None:
        client.force_login(user)
    return user


# Published and archived projects are public; drafts only for their team and the
# organisation's staff.
@pytest.mark.parametrize("status", [Project.Status.PUBLISHED, Project.Status.ARCHIVED])
@pytest.mark.parametrize("role", ROLES)
def test_public_project_detail_is_open_to_all(client, role, status):
    project = ProjectFactory(status=status)
    signed_in_as(client, role, project)

    response = client.get(f"/projets/{project.slug}/")

    assert response.status_code == 200
    assert response.context["project"] == project


DRAFT_DETAIL = DRAFT_SEEN_BY_TEAM


@pytest.mark.parametrize(("role", "expected"), DRAFT_DETAIL)
@pytest.mark.parametrize("page", ["", "actualites/"])
def test_draft_project_is_hidden_from_outsiders(client, role, expected, page):
    project = ProjectFactory(status=Project.Status.DRAFT)
    signed_in_as(client, role, project)

    response = client.get(f"/projets/{project.slug}/{page}")

    assert_answer(response, expected)


@pytest.mark.parametrize(("role", "expected"), DRAFT_DETAIL)
def test_draft_projects_are_listed_only_for_their_team(client, role, expected):
    draft = ProjectFactory(status=Project.Status.DRAFT)
    published = ProjectFactory(status=Project.Status.PUBLISHED)
    signed_in_as(client, role, draft)

    response = client.get("/projets/")

    listed = list(response.context["page"].object_list)
    assert published in listed
    assert (draft in listed) == (expected == OK)
    assert len(listed) == len(set(listed))


@pytest.mark.parametrize("role", ROLES)
def test_home_lists_only_published_projects(client, role):
    draft = ProjectFactory(status=Project.Status.DRAFT)
    published = ProjectFactory(status=Project.Status.PUBLISHED)
    signed_in_as(client, role, draft)

    response = client.get("/")

    listed = list(response.context["projects"])
    assert listed == [published]


# Editing a project and publishing its news: its facilitators and the organisation's
# staff (administrators, facilitators, superusers).
EDIT_PUBLISHED = STAFF
EDIT_DRAFT = STAFF_DRAFT
EDIT_CASES = [(Project.Status.PUBLISHED, *case) for case in EDIT_PUBLISHED] + [
    (Project.Status.DRAFT, *case) for case in EDIT_DRAFT
]


@pytest.mark.parametrize(("status", "role", "expected"), EDIT_CASES)
def test_project_edit_page(client, status, role, expected):
    project = ProjectFactory(status=status)
    signed_in_as(client, role, project)

    response = client.get(f"/projets/{project.slug}/modifier/")

    assert_answer(response, expected)


@pytest.mark.parametrize(("status", "role", "expected"), EDIT_CASES)
def test_project_edit_post(client, status, role, expected):
    project = ProjectFactory(status=status, title="Avant")
    signed_in_as(client, role, project)

    response = client.post(
        f"/projets/{project.slug}/modifier/",
        {"title": "Après", "summary": "Résumé", "description": "", "status": status},
    )

    assert_answer(response, expected, ok_status=302)
    project.refresh_from_db()
    assert project.title == ("Après" if expected == OK else "Avant")
    if expected == OK:
        assert response["Location"] == f"/projets/{project.slug}/"


def test_project_edit_anonymous_is_sent_back_after_sign_in(client):
    project = ProjectFactory()

    response = client.get(f"/projets/{project.slug}/modifier/")

    assert response["Location"] == "/compte/connexion/?next=" + quote(
        f"/projets/{project.slug}/modifier/"
    )


@pytest.mark.parametrize(("role", "expected"), EDIT_PUBLISHED)
def test_news_create_page(client, role, expected):
    project = ProjectFactory()
    signed_in_as(client, role, project)

    response = client.get(f"/projets/{project.slug}/actualites/nouvelle/")

    assert_answer(response, expected)


@pytest.mark.parametrize(("role", "expected"), EDIT_PUBLISHED)
def test_news_create_post(client, role, expected):
    project = ProjectFactory()
    user = signed_in_as(client, role, project)

    response = client.post(
        f"/projets/{project.slug}/actualites/nouvelle/",
        {"title": "Chantier samedi", "body": "Rendez-vous à 9 h."},
    )

    assert_answer(response, expected, ok_status=302)
    posts = list(NewsPost.objects.filter(project=project))
    if expected == OK:
        assert [(p.title, p.author) for p in posts] == [("Chantier samedi", user)]
    else:
        assert posts == []


# Creating a project under an organisation: the organisation's staff only; running a
# project of the organisation is not enough.
CREATE = matrix(
    anonymous=LOGIN,
    participant=FORBIDDEN,
    project_member=FORBIDDEN,
    project_facilitator=FORBIDDEN,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


@pytest.mark.parametrize(("role", "expected"), CREATE)
def test_project_create_page(client, role, expected):
    existing = ProjectFactory()
    signed_in_as(client, role, existing)

    response = client.get(f"/structures/{existing.organisation.slug}/nouveau-projet/")

    assert_answer(response, expected)


@pytest.mark.parametrize(("role", "expected"), CREATE)
def test_project_create_post(client, role, expected):
    existing = ProjectFactory()
    organisation = existing.organisation
    user = signed_in_as(client, role, existing)

    response = client.post(
        f"/structures/{organisation.slug}/nouveau-projet/",
        {"title": "Jardin partagé", "summary": "Un jardin pour tous.", "status": "draft"},
    )

    assert_answer(response, expected, ok_status=302)
    created = Project.objects.filter(organisation=organisation, title="Jardin partagé").first()
    if expected == OK:
        assert created is not None
        assert created.status == Project.Status.DRAFT
        assert response["Location"] == f"/projets/{created.slug}/"
        # The creator runs the new project.
        assert ProjectMembership.objects.get(project=created).user == user
        assert ProjectMembership.objects.get(project=created).role == "facilitator"
    else:
        assert created is None


def test_project_create_under_unknown_organisation_is_404(client):
    client.force_login(user_with_role("superuser", ProjectFactory()))

    response = client.get("/structures/nowhere/nouveau-projet/")

    assert response.status_code == 404


# Joining: any signed-in person without a role in a published project becomes a member.
JOINS = matrix(
    anonymous=LOGIN,
    participant="member",
    project_member="member",
    project_facilitator="facilitator",
    organisation_facilitator="member",
    organisation_admin="member",
    superuser="member",
)


@pytest.mark.parametrize(("role", "expected_role"), JOINS)
def test_join_published_project(client, role, expected_role):
    project = ProjectFactory(status=Project.Status.PUBLISHED)
    user = signed_in_as(client, role, project)
    before = ProjectMembership.objects.filter(project=project).count()

    response = client.post(f"/projets/{project.slug}/rejoindre/")

    if expected_role == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"/compte/connexion/?next=/projets/{project.slug}/"
        assert ProjectMembership.objects.filter(project=project).count() == before
        return
    assert response.status_code == 302
    assert response["Location"] == f"/projets/{project.slug}/"
    assert ProjectMembership.objects.get(project=project, user=user).role == expected_role


JOIN_DRAFT = matrix(
    anonymous=NOT_FOUND,
    participant=NOT_FOUND,
    project_member=OK,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


@pytest.mark.parametrize(("role", "expected"), JOIN_DRAFT)
def test_nobody_joins_a_draft(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    signed_in_as(client, role, project)
    before = set(ProjectMembership.objects.filter(project=project).values_list("user", "role"))

    response = client.post(f"/projets/{project.slug}/rejoindre/")

    assert_answer(response, expected, ok_status=302)
    after = set(ProjectMembership.objects.filter(project=project).values_list("user", "role"))
    assert after == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_nobody_joins_an_archived_project(client, role):
    project = ProjectFactory(status=Project.Status.ARCHIVED)
    user = signed_in_as(client, role, project)
    role_before = (
        ProjectMembership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )

    response = client.post(f"/projets/{project.slug}/rejoindre/")

    assert response.status_code == 302
    role_after = (
        ProjectMembership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )
    assert role_after == role_before


def test_join_refuses_get(client):
    project = ProjectFactory()
    user = user_with_role("participant", project)
    client.force_login(user)

    response = client.get(f"/projets/{project.slug}/rejoindre/")

    assert response.status_code == 405
    assert not ProjectMembership.objects.filter(project=project, user=user).exists()


def test_double_join_creates_one_membership(client):
    project = ProjectFactory()
    user = user_with_role("participant", project)
    client.force_login(user)

    first = client.post(f"/projets/{project.slug}/rejoindre/")
    second = client.post(f"/projets/{project.slug}/rejoindre/")

    assert first.status_code == second.status_code == 302
    memberships = ProjectMembership.objects.filter(project=project, user=user)
    assert [m.role for m in memberships] == ["member"]


# Leaving: only members leave; facilitators stay until someone changes their role.
LEAVES = matrix(
    anonymous=LOGIN,
    participant=None,
    project_member=None,
    project_facilitator="facilitator",
    organisation_facilitator=None,
    organisation_admin=None,
    superuser=None,
)


@pytest.mark.parametrize(("role", "role_after"), LEAVES)
def test_leave_project(client, role, role_after):
    project = ProjectFactory()
    user = signed_in_as(client, role, project)

    response = client.post(f"/projets/{project.slug}/quitter/")

    assert response.status_code == 302
    if role_after == LOGIN:
        assert response["Location"].startswith("/compte/connexion/?next=")
        return
    assert response["Location"] == f"/projets/{project.slug}/"
    remaining = (
        ProjectMembership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )
    assert remaining == role_after


@pytest.mark.parametrize(
    ("role", "can_edit", "can_join", "can_leave"),
    [
        ("anonymous", False, False, False),
        ("participant", False, True, False),
        ("project_member", False, False, True),
        ("project_facilitator", True, False, False),
        ("organisation_facilitator", True, True, False),
        ("organisation_admin", True, True, False),
        ("superuser", True, True, False),
    ],
)
def test_detail_offers_the_actions_the_role_allows(client, role, can_edit, can_join, can_leave):
    project = ProjectFactory()
    signed_in_as(client, role, project)

    response = client.get(f"/projets/{project.slug}/")

    rights = response.context["rights"]
    assert rights.can_edit is can_edit
    assert rights.can_join is can_join
    assert rights.can_leave is can_leave
    assert (f'href="/projets/{project.slug}/modifier/"' in response.text) is can_edit
    assert (f'action="/projets/{project.slug}/quitter/"' in response.text) is can_leave
