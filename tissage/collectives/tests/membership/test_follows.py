"""Joining a collective follows it (engagement.services.follow_auto): at once in an open
collective, on approval in a moderated one; never again after the person stopped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.collectives.membership import services as membership_services
from tissage.collectives.models import CollectiveMembership
from tissage.collectives.tests.factories import CollectiveFactory, client_for_role
from tissage.core.tests.factories import UserFactory
from tissage.engagement.models import Follow
from tissage.engagement.services import follow_set, is_following

pytestmark = pytest.mark.django_db


def test_joining_an_open_collective_follows_it():
    collective = CollectiveFactory(admission="open")
    client, user = client_for_role("outsider", collective)
    client.post(reverse("collectives:join", args=[collective.slug]))
    follow = Follow.objects.get(user=user)
    assert follow.target == collective and follow.automatic


def test_a_request_follows_once_approved():
    collective = CollectiveFactory(admission="moderated")
    user = UserFactory()
    membership, _created = membership_services.membership_join(
        collective=collective, user=user, message="Bonjour"
    )
    assert not Follow.objects.exists()
    membership_services.request_approve(membership=membership)
    assert is_following(user=user, target=collective)


def test_joining_again_does_not_follow_again_what_was_left():
    collective = CollectiveFactory(admission="open")
    user = UserFactory()
    membership_services.membership_join(collective=collective, user=user)
    follow_set(user=user, target=collective, following=False)
    CollectiveMembership.objects.filter(user=user).delete()  # left, then comes back
    membership_services.membership_join(collective=collective, user=user)
    assert not is_following(user=user, target=collective)
