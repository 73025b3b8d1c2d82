"""The organisation page runs a fixed number of queries, however much it lists."""

from __future__ import annotations

import pytest

from tissage.collectives.models import Collective
from tissage.core.tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def populate(size: int) -> Organisation:
    organisation = OrganisationFactory()
    organisation.communes.set(CommuneFactory.create_batch(size))
    OrganisationMembershipFactory.create_batch(size, organisation=organisation)
    for project in ProjectFactory.create_batch(size, organisation=organisation):
        ProjectMembershipFactory.create_batch(2, project=project)
    for n in range(size):
        Collective.objects.create(organisation=organisation, name=f"C{n}", slug=f"c-{size}-{n}")
    return organisation


@pytest.mark.parametrize("size", [3, 30])
# One query lists the organisation's collectives, however many. Signed in: + the header's
# count of unread notifications.
@pytest.mark.parametrize(("signed_in", "max_queries"), [(False, 6), (True, 11)])
def test_organisation_page_queries_do_not_grow(
    client, django_assert_max_num_queries, size, signed_in, max_queries
):
    organisation = populate(size)
    if signed_in:
        client.force_login(UserFactory())

    with django_assert_max_num_queries(max_queries):
        response = client.get(f"/structures/{organisation.slug}/")

    assert response.status_code == 200
    assert response.context["page"].paginator.count == size
    assert len(response.context["page"].object_list) == min(size, 24)
    assert len(response.context["staff"]) == size
    assert all(project.member_count == 2 for project in response.context["page"].object_list)


@pytest.mark.parametrize("size", [3, 30])
def test_organisation_list_queries_do_not_grow(client, django_assert_max_num_queries, size):
    for _ in range(size):
        ProjectFactory(status="published")
    with django_assert_max_num_queries(3):
        response = client.get("/structures/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size
    counts = [o.published_projects for o in response.context["page"].object_list]
    assert counts == sorted(counts, reverse=True) and all(c >= 1 for c in counts)
