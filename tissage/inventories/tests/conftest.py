"""Fixtures shared by the inventory tests (builders that are not fixtures are in
`helpers.py`)."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import ProjectMembershipFactory
from tissage.inventories.tests.helpers import heritage_campaign
from tissage.projects.models import ProjectMembership


@pytest.fixture
def campaign(db):
    """A heritage campaign of a published project, over a test Nîmes (`nimes_commune`)."""
    return heritage_campaign()


@pytest.fixture
def facilitator(campaign):
    """A facilitator of the campaign's project: moderates the campaign and runs it."""
    return ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user
