"""Project facilitators (and the organisation's staff) manage the project's team."""

import pytest
from django.core import mail

from tissage.accounts.models import User
from tissage.core.tests.factories import (
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
    user_with_role,
)
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(status="published", title="Haies de Crest")


@pytest.fixture
def facilitator(client, project):
    user = UserFactory(display_name="Martin")
    ProjectMembershipFactory(project=project, user=user, role="facilitator")
    client.force_login(user)
    return user


def test_facilitator_adds_a_cofacilitator_by_email(
    client, facilitator, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projets/{project.slug}/equipe/", {"email": "ines@example.org", "role": "facilitator"}
        )
    assert response.status_code == 302
    ines = User.objects.get(email="ines@example.org")
    assert ProjectMembership.objects.get(project=project, user=ines).role == "facilitator"
    assert [m.to for m in mail.outbox] == [["ines@example.org"]]
    assert "Haies de Crest" in mail.outbox[0].subject


def test_team_page_does_not_show_members_email_addresses(client, facilitator, project):
    ProjectMembershipFactory(project=project, user__email="discrete@example.org")
    response = client.get(f"/projets/{project.slug}/equipe/")
    assert response.status_code == 200
    assert "discrete@example.org" not in response.content.decode()


def test_promote_then_remove_a_member(client, facilitator, project):
    member = ProjectMembershipFactory(project=project, role="member")
    url = f"/projets/{project.slug}/equipe/{member.pk}/"
    client.post(url, {"role": "facilitator"})
    member.refresh_from_db()
    assert member.role == "facilitator"
    client.post(url, {"action": "remove"})
    assert not ProjectMembership.objects.filter(pk=member.pk).exists()


def test_bad_role_changes_nothing(client, facilitator, project):
    member = ProjectMembershipFactory(project=project, role="member")
    client.post(f"/projets/{project.slug}/equipe/{member.pk}/", {"role": "king"})
    member.refresh_from_db()
    assert member.role == "member"


def test_membership_of_another_project_is_not_found(client, facilitator, project):
    elsewhere = ProjectMembershipFactory()
    response = client.post(f"/projets/{project.slug}/equipe/{elsewhere.pk}/", {"action": "remove"})
    assert response.status_code == 404
    assert ProjectMembership.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("project_member", 403),
        ("project_facilitator", 200),
        ("organisation_facilitator", 200),
        ("organisation_admin", 200),
        ("superuser", 200),
    ],
)
def test_who_opens_the_project_team_page(client, project, role, status):
    user = user_with_role(role, project)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/projets/{project.slug}/equipe/")
    assert response.status_code == status


def test_team_page_queries_do_not_grow(client, facilitator, project, django_assert_max_num_queries):
    for _ in range(25):
        ProjectMembershipFactory(project=project)
    with django_assert_max_num_queries(7):
        response = client.get(f"/projets/{project.slug}/equipe/")
    assert len(response.context["members"]) == 26
