"""The collective's own pages: the role matrix for every URL, for a public and a
members-only collective, open and moderated (docs/permissions.md, Collectives)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.collectives.models import Collective
from tissage.collectives.tests.factories import COLLECTIVE_ROLES, CollectiveFactory, client_for_role
from tissage.collectives.tests.matrix import (
    ACTIVE,
    MODERATORS,
    OK,
    SITUATIONS,
    collective_in,
    expected,
    outcome,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_list_and_detail_are_public(role, visibility, admission):
    collective = collective_in(visibility, admission)
    client, _user = client_for_role(role, collective)
    assert outcome(client.get(reverse("collectives:list"))) == OK
    response = client.get(reverse("collectives:detail", args=[collective.slug]))
    assert outcome(response) == OK
    content = response.content.decode()
    assert collective.list_address in content
    reads = visibility == "public" or role in ACTIVE | MODERATORS
    assert (reverse("collectives:threads", args=[collective.slug]) in content) == reads
    toolbar = reverse("collectives:settings", args=[collective.slug])
    assert (toolbar in content) == (role in MODERATORS)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_create(role, visibility, admission):
    collective = collective_in(visibility, admission)
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:create", args=[collective.organisation.slug])
    allowed = {"organisation_staff", "superuser"}
    assert outcome(client.get(url)) == expected(role, allowed)
    response = client.post(
        url, {"name": "Nouveau", "admission": "open", "archive_visibility": "public"}
    )
    assert outcome(response) == expected(role, allowed)
    assert Collective.objects.filter(name="Nouveau").exists() == (role in allowed)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_settings(role, visibility, admission):
    collective = collective_in(visibility, admission)
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:settings", args=[collective.slug])
    assert outcome(client.get(url)) == expected(role, MODERATORS)
    response = client.post(
        url, {"name": "Renommé", "admission": admission, "archive_visibility": visibility}
    )
    assert outcome(response) == expected(role, MODERATORS)
    collective.refresh_from_db()
    assert (collective.name == "Renommé") == (role in MODERATORS)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_meeting_create_page(role, visibility, admission):
    collective = collective_in(visibility, admission)
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:meeting_create", args=[collective.slug])
    assert outcome(client.get(url)) == expected(role, MODERATORS)
    assert outcome(client.post(url, {})) == expected(role, MODERATORS)


@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_unknown_collective_is_404(role):
    collective = CollectiveFactory()
    client, _user = client_for_role(role, collective)
    for name in ("detail", "settings", "members", "delivery", "meeting_create"):
        assert client.get(reverse(f"collectives:{name}", args=["inconnu"])).status_code == 404
    for name in ("join", "leave"):
        assert client.post(reverse(f"collectives:{name}", args=["inconnu"])).status_code == 404
    url = reverse("collectives:create", args=["pas-une-structure"])
    assert client.get(url).status_code == 404
