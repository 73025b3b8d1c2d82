"""GET /api/v1/initiatives and /api/v1/collectives/<slug>/initiatives/<id>: the
initiatives of collectives whose archive is public; members-only ones never."""

import pytest

from tissage.api.tests.builders import an_initiative
from tissage.collectives.models import Collective, Initiative
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.core.tests.factories import CommuneFactory, ProjectFactory
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_public_initiatives_only_never_a_members_only_collectives(client):
    public = an_initiative()
    private = an_initiative(
        CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    )

    assert ids(client.get("/api/v1/initiatives")) == [public.pk]
    url = f"/api/v1/collectives/{private.collective.slug}/initiatives/{private.pk}"
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    shown = client.get(f"/api/v1/collectives/{public.collective.slug}/initiatives/{public.pk}")
    assert shown.json()["initiative"]["collective"]["slug"] == public.collective.slug


def test_the_project_it_became_is_named_only_once_anyone_may_see_it(client):
    draft = an_initiative(project=ProjectFactory(status=Project.Status.DRAFT))
    public = an_initiative(project=ProjectFactory())

    rows = {row["id"]: row for row in client.get("/api/v1/initiatives").json()["results"]}
    detail = client.get(f"/api/v1/collectives/{draft.collective.slug}/initiatives/{draft.pk}")

    assert rows[draft.pk]["project"] is None
    assert detail.json()["initiative"]["project"] is None
    assert rows[public.pk]["project"]["slug"] == public.project.slug


def test_filters_by_collective_and_commune(client):
    collective = CollectiveFactory()
    mine = an_initiative(collective)
    here = an_initiative(commune=CommuneFactory(insee_code="34142"))

    assert ids(client.get(f"/api/v1/initiatives?collective={collective.slug}")) == [mine.pk]
    assert ids(client.get("/api/v1/initiatives?commune=34142")) == [here.pk]


def test_an_id_beyond_any_database_integer_is_a_404(client):
    collective = CollectiveFactory()

    response = client.get(f"/api/v1/collectives/{collective.slug}/initiatives/{2**70}")

    assert response.status_code == 404


def test_the_list_costs_one_query_with_2_or_20_initiatives(client, django_assert_num_queries):
    for count in (2, 20):
        while Initiative.objects.count() < count:
            an_initiative(commune=CommuneFactory(), project=ProjectFactory())
        with django_assert_num_queries(1):
            assert len(ids(client.get("/api/v1/initiatives"))) == count
