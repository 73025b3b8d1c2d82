"""Fixtures shared by the consultation tests."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import ProjectMembershipFactory
from tissage.projects.models import ProjectMembership

from .factories import ConsultationFactory


@pytest.fixture
def consultation(db):
    """A published consultation, open today, with proposals and the map, of a published
    project."""
    return ConsultationFactory()


@pytest.fixture
def facilitator(consultation):
    """A facilitator of the consultation's project: runs the consultation."""
    return ProjectMembershipFactory(
        project=consultation.project, role=ProjectMembership.Role.FACILITATOR
    ).user


@pytest.fixture
def member(consultation):
    """A member of the consultation's project."""
    return ProjectMembershipFactory(
        project=consultation.project, role=ProjectMembership.Role.MEMBER
    ).user
