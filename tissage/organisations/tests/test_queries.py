"""The organisation page runs a fixed number of queries, however much it lists."""

from __future__ import annotations

import pytest

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
    return organisation


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize(("signed_in", "max_queries"), [(False, 4), (True, 8)])
def test_organisation_page_queries_do_not_grow(
    client, django_assert_max_num_queries, size, signed_in, max_queries
):
    organisation = populate(size)
    if signed_in:
        client.force_login(UserFactory())

    with django_assert_max_num_queries(max_queries):
        response = client.get(f"/structures/{organisation.slug}/")

    assert response.status_code == 200
    assert len(response.context["projects"]) == size
    assert len(response.context["staff"]) == size
    assert all(project.member_count == 2 for project in response.context["projects"])
