"""Fixtures shared by the actions app's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
from tissage.projects.models import ProjectMembership


@pytest.fixture
def project():  # type: ignore[no-untyped-def]
    return ProjectFactory()


@pytest.fixture
def facilitator(project):  # type: ignore[no-untyped-def]
    return ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user


@pytest.fixture
def facilitator_client(facilitator, committed, settings) -> Client:  # type: ignore[no-untyped-def]
    """The project facilitator's client, in English; emails leave at the end of each
    request (`committed`)."""
    client = committed(Client())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(facilitator)
    return client
