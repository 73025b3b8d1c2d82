"""GET /api/v1/projects and /api/v1/projects/<slug>: published and archived, never drafts."""

import pytest

from tissage.core.tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    ProjectFactory,
    SuperuserFactory,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_published_and_archived_projects_never_a_draft(client):
    published = ProjectFactory()
    archived = ProjectFactory(status=Project.Status.ARCHIVED)
    draft = ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(SuperuserFactory())  # a session changes nothing

    assert slugs(client.get("/api/v1/projects")) == [published.slug, archived.slug]
    assert client.get(f"/api/v1/projects/{draft.slug}").status_code == 404
    project = client.get(f"/api/v1/projects/{archived.slug}").json()["project"]
    assert project["status"] == "archived"
    assert project["organisation"]["slug"] == archived.organisation.slug


def test_filters_by_organisation_and_commune(client):
    organisation = OrganisationFactory()
    mine = ProjectFactory(organisation=organisation)
    other = ProjectFactory()
    other.communes.add(CommuneFactory(insee_code="30189"))

    assert slugs(client.get(f"/api/v1/projects?organisation={organisation.slug}")) == [mine.slug]
    assert slugs(client.get("/api/v1/projects?commune=30189")) == [other.slug]


def test_the_list_costs_two_queries_with_2_or_20_projects(client, django_assert_num_queries):
    for count in (2, 20):
        while Project.objects.count() < count:
            ProjectFactory().communes.add(CommuneFactory())
        with django_assert_num_queries(2):
            assert len(slugs(client.get("/api/v1/projects"))) == count
