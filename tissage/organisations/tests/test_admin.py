"""Organisations are created, and given communes and staff, in the Django admin."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


# docs/permissions.md: an organisation's communes and members are set in the Django
# admin, by superusers.
@pytest.mark.parametrize(
    "url", ["/admin/organisations/organisation/", "/admin/organisations/organisation/add/"]
)
def test_superusers_manage_organisations_in_the_admin(client, url):
    client.force_login(SuperuserFactory())

    response = client.get(url)

    assert response.status_code == 200
