"""The role-by-view matrix of the consultation page (docs/permissions.md)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Consultation
from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    EVERYONE,
    SEEN_BY_STAFF,
    assert_answer,
)
from tissage.projects.models import Project

from .factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def _get(client, role: str, consultation: Consultation):  # type: ignore[no-untyped-def]
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    return client.get(reverse("consultations:detail", args=[consultation.slug]))


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_a_published_consultation_is_seen_by_everyone(client, role, expected):
    assert_answer(_get(client, role, ConsultationFactory()), expected)


@pytest.mark.parametrize(("role", "expected"), SEEN_BY_STAFF)
def test_a_draft_consultation_is_for_who_runs_the_project(client, role, expected):
    assert_answer(_get(client, role, ConsultationFactory(published=False)), expected)


@pytest.mark.parametrize(("role", "expected"), DRAFT_SEEN_BY_TEAM)
def test_a_consultation_of_a_draft_project_is_for_its_team(client, role, expected):
    project = ProjectFactory(status=Project.Status.DRAFT)
    assert_answer(_get(client, role, ConsultationFactory(project=project)), expected)


def test_every_role_is_in_the_matrices():
    assert [role for role, _ in SEEN_BY_STAFF] == ROLES


@pytest.mark.parametrize(
    ("opens", "closes", "finished", "state"),
    [
        (1, 10, False, Consultation.State.UPCOMING),
        (-1, 10, False, Consultation.State.OPEN),
        (-10, 0, False, Consultation.State.OPEN),
        (-10, -1, False, Consultation.State.ANSWERING),
        (-10, -1, True, Consultation.State.FINISHED),
    ],
)
def test_the_state_follows_the_dates(opens, closes, finished, state):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        opens_on=today + datetime.timedelta(days=opens),
        closes_on=today + datetime.timedelta(days=closes),
        finished_at=timezone.now() if finished else None,
    )
    assert consultation.state() == state
    assert ConsultationFactory.build(published=False).state() == Consultation.State.DRAFT
