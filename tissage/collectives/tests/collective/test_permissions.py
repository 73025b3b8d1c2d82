"""The collective's own pages: the role matrix for every URL, for a public and a
members-only collective, open and moderated (docs/permissions.md, Collectives).

Outcomes: ok (200, or the redirect after a POST), login (sent to sign in), forbidden
(403), not_found (404).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tissage.collectives.models import Collective, CollectiveMembership
from tissage.collectives.tests.factories import (
    COLLECTIVE_ROLES,
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)

pytestmark = pytest.mark.django_db

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not_found"
SITUATIONS = [
    (visibility, admission)
    for visibility in Collective.ArchiveVisibility.values
    for admission in Collective.Admission.values
]
MODERATORS = {"coordinator", "organisation_staff", "superuser"}
ACTIVE = {"member", "coordinator"}


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    ):
        return LOGIN
    return {200: OK, 302: OK, 403: FORBIDDEN, 404: NOT_FOUND}[response.status_code]


def expected(role: str, allowed: set[str]) -> str:
    if role in allowed:
        return OK
    return LOGIN if role == "anonymous" else FORBIDDEN


def _collective(visibility: str, admission: str) -> Collective:
    return CollectiveFactory(archive_visibility=visibility, admission=admission)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_list_and_detail_are_public(role, visibility, admission):
    collective = _collective(visibility, admission)
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
    collective = _collective(visibility, admission)
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
    collective = _collective(visibility, admission)
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
def test_members_page(role, visibility, admission):
    collective = _collective(visibility, admission)
    other = MembershipFactory(collective=collective).user
    client, user = client_for_role(role, collective)
    url = reverse("collectives:members", args=[collective.slug])
    response = client.get(url)
    assert outcome(response) == expected(role, ACTIVE | MODERATORS)
    if response.status_code == 200:
        content = response.content.decode()
        assert other.public_name in content
        assert other.email not in content
        assert user is None or user.email not in content


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_member_change(role, visibility, admission):
    collective = _collective(visibility, admission)
    target = MembershipFactory(collective=collective)
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:member", args=[collective.slug, target.pk])
    response = client.post(url, {"action": "coordinator"})
    assert outcome(response) == expected(role, MODERATORS)
    target.refresh_from_db()
    assert target.is_coordinator == (role in MODERATORS)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_delivery(role, visibility, admission):
    collective = _collective(visibility, admission)
    client, user = client_for_role(role, collective)
    url = reverse("collectives:delivery", args=[collective.slug])
    assert outcome(client.get(url)) == expected(role, ACTIVE)
    response = client.post(url, {"delivery": "digest"})
    assert outcome(response) == expected(role, ACTIVE)
    if role in ACTIVE:
        membership = CollectiveMembership.objects.get(collective=collective, user=user)
        assert membership.delivery == "digest"


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_meeting_create_page(role, visibility, admission):
    collective = _collective(visibility, admission)
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:meeting_create", args=[collective.slug])
    assert outcome(client.get(url)) == expected(role, MODERATORS)
    assert outcome(client.post(url, {})) == expected(role, MODERATORS)


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_join(role, visibility, admission):
    collective = _collective(visibility, admission)
    client, user = client_for_role(role, collective)
    response = client.post(reverse("collectives:join", args=[collective.slug]), {"message": "Hi"})
    if role == "anonymous":
        assert outcome(response) == LOGIN
        assert not collective.memberships.exists()
        return
    assert response.status_code == 302
    assert response["Location"] == collective.get_absolute_url()
    membership = CollectiveMembership.objects.filter(collective=collective, user=user).first()
    if role in {"outsider", "organisation_staff", "superuser"}:
        assert membership is not None
        assert membership.status == ("active" if admission == "open" else "pending")
        assert membership.role == "member"
    else:  # already in: unchanged
        assert membership is not None
        assert membership.status == ("pending" if role == "pending" else "active")


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_leave(role, visibility, admission):
    collective = _collective(visibility, admission)
    client, user = client_for_role(role, collective)
    response = client.post(reverse("collectives:leave", args=[collective.slug]))
    allowed = {"pending", "member", "coordinator"}
    assert outcome(response) == expected(role, allowed)
    still = CollectiveMembership.objects.filter(collective=collective, user=user).exists()
    # The coordinator of the matrix is the only one: they stay.
    assert still == (role == "coordinator")


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


@pytest.mark.parametrize("role", ["coordinator", "organisation_staff"])
def test_member_of_another_collective_is_404(role):
    collective = CollectiveFactory()
    elsewhere = MembershipFactory()
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:member", args=[collective.slug, elsewhere.pk])
    assert client.post(url, {"action": "remove"}).status_code == 404
    assert CollectiveMembership.objects.filter(pk=elsewhere.pk).exists()
