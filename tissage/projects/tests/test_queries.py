"""Project pages run a fixed number of queries, however long their lists grow."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tissage.core.tests.factories import (
    CommuneFactory,
    NewsPostFactory,
    OrganisationFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.organisations.models import Organisation
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

SIZES = [3, 30]


@dataclass
class World:
    organisation: Organisation
    project: Project


def populate(size: int) -> World:
    """`size` of everything a page lists: projects, organisations, members, news, communes."""
    organisation = OrganisationFactory()
    for project in ProjectFactory.create_batch(size, organisation=organisation):
        ProjectMembershipFactory(project=project)
    for project in ProjectFactory.create_batch(size):  # each under its own organisation
        ProjectMembershipFactory(project=project)
    ProjectFactory.create_batch(size, status=Project.Status.DRAFT, organisation=organisation)
    project = ProjectFactory(organisation=organisation)
    project.communes.set(CommuneFactory.create_batch(size))
    ProjectMembershipFactory.create_batch(
        size, project=project, role=ProjectMembership.Role.FACILITATOR
    )
    ProjectMembershipFactory.create_batch(size, project=project)
    NewsPostFactory.create_batch(size, project=project)
    return World(organisation=organisation, project=project)


# (page, queries when anonymous, queries when signed in). Signing in adds the session
# and the user, the header's count of unread notifications, then each access check on
# the page (and, on the project's page, whether the person follows it: the projects'
# content type is read once per process, then cached).
PAGES = [
    pytest.param("home", 16, 19, id="home"),  # + each app's part (test_home.py)
    pytest.param("list", 2, 5, id="list"),
    pytest.param("detail", 7, 14, id="detail"),  # + its inventories, actions, consultations
    pytest.param("news", 3, 6, id="news"),
]


def url_of(page: str, world: World) -> str:
    return {
        "home": "/",
        "list": "/projets/",
        "detail": f"/projets/{world.project.slug}/",
        "news": f"/projets/{world.project.slug}/actualites/",
    }[page]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("page", "anonymous_queries", "signed_in_queries"), PAGES)
def test_anonymous_page_queries_do_not_grow(
    client, django_assert_max_num_queries, size, page, anonymous_queries, signed_in_queries
):
    world = populate(size)

    with django_assert_max_num_queries(anonymous_queries):
        response = client.get(url_of(page, world))

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("page", "anonymous_queries", "signed_in_queries"), PAGES)
def test_signed_in_page_queries_do_not_grow(
    client, django_assert_max_num_queries, size, page, anonymous_queries, signed_in_queries
):
    world = populate(size)
    client.force_login(UserFactory())

    with django_assert_max_num_queries(signed_in_queries):
        response = client.get(url_of(page, world))

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_lists_show_what_was_created(client, size):
    world = populate(size)

    home = client.get("/")
    detail = client.get(f"/projets/{world.project.slug}/")
    news = client.get(f"/projets/{world.project.slug}/actualites/")

    # Published projects: `size` in the organisation, `size` elsewhere, and the main one.
    # The home shows the latest six and links to them all.
    assert len(home.context["projects"]) == min(2 * size + 1, 6)
    assert 'href="/projets/"' in home.content.decode()
    shown = {project.organisation_id for project in home.context["projects"]}
    assert {o.pk for o in home.context["organisations"]} == shown
    assert len(detail.context["team"]) == size
    assert detail.context["member_count"] == 2 * size
    assert len(detail.context["news"]) == min(size, 5)
    assert len(news.context["page"].object_list) == min(size, 24)
    assert len(list(detail.context["communes"])) == size
