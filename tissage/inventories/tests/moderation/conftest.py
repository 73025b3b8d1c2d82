"""Fixtures of the moderation tests: a moderator, signed in, reading English."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import ProjectMembershipFactory, UserFactory
from tissage.projects.models import ProjectMembership


@pytest.fixture
def client(client):
    # Assertions read English messages whatever the French catalogue says.
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def moderator(campaign):
    return ProjectMembershipFactory(
        project=campaign.project,
        role=ProjectMembership.Role.FACILITATOR,
        user=UserFactory(display_name="Paul Animateur"),
    ).user


@pytest.fixture
def signed_in(client, moderator):
    client.force_login(moderator)
    return client
