"""Membership pages: the role matrix for every URL, for a public and a members-only
collective, open and moderated (docs/permissions.md, Collectives)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.collectives.models import CollectiveMembership
from tissage.collectives.tests.factories import (
    COLLECTIVE_ROLES,
    CollectiveFactory,
    MembershipFactory,
    client_for_role,
)
from tissage.collectives.tests.matrix import (
    ACTIVE,
    LOGIN,
    MODERATORS,
    SITUATIONS,
    collective_in,
    expected,
    outcome,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_members_page(role, visibility, admission):
    collective = collective_in(visibility, admission)
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
    collective = collective_in(visibility, admission)
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
    collective = collective_in(visibility, admission)
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
def test_delivery_resume(role, visibility, admission):
    """Only a member resumes the list's emails, their own (issue #12, item 4)."""
    collective = collective_in(visibility, admission)
    suspended = MembershipFactory(collective=collective, delivery_suspended_at=timezone.now())
    client, user = client_for_role(role, collective)
    own = CollectiveMembership.objects.filter(collective=collective, user=user)
    own.update(delivery_suspended_at=timezone.now())
    url = reverse("collectives:delivery_resume", args=[collective.slug])
    response = client.post(url)
    assert outcome(response) == expected(role, ACTIVE)
    suspended.refresh_from_db()
    assert suspended.delivery_suspended  # nobody else's click resumes it
    if role in ACTIVE:
        assert not own.get().delivery_suspended


@pytest.mark.parametrize("visibility,admission", SITUATIONS)
@pytest.mark.parametrize("role", COLLECTIVE_ROLES)
def test_join(role, visibility, admission):
    collective = collective_in(visibility, admission)
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
    collective = collective_in(visibility, admission)
    client, user = client_for_role(role, collective)
    response = client.post(reverse("collectives:leave", args=[collective.slug]))
    allowed = {"pending", "member", "coordinator"}
    assert outcome(response) == expected(role, allowed)
    still = CollectiveMembership.objects.filter(collective=collective, user=user).exists()
    # The coordinator of the matrix is the only one: they stay.
    assert still == (role == "coordinator")


@pytest.mark.parametrize("role", ["coordinator", "organisation_staff"])
def test_member_of_another_collective_is_404(role):
    collective = CollectiveFactory()
    elsewhere = MembershipFactory()
    client, _user = client_for_role(role, collective)
    url = reverse("collectives:member", args=[collective.slug, elsewhere.pk])
    assert client.post(url, {"action": "remove"}).status_code == 404
    assert CollectiveMembership.objects.filter(pk=elsewhere.pk).exists()
