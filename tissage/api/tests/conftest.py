"""Fixtures of the API's tests."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import OrganisationMembershipFactory, ProjectFactory


@pytest.fixture
def project(db):
    return ProjectFactory()


@pytest.fixture
def staff(project):
    """A facilitator of the project's organisation."""
    return OrganisationMembershipFactory(organisation=project.organisation).user
