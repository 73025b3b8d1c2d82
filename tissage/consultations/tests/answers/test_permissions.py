"""Who may answer, moderate and finish (docs/permissions.md): who runs the project. A
draft consultation is hidden from everyone else once signed in; a hidden proposal too."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    LOGIN,
    OK,
    STAFF,
    STAFF_DRAFT,
    STAFF_HIDDEN,
    assert_answer,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


def _closed(**fields):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
        **fields,
    )


def _as(client, role, consultation):  # type: ignore[no-untyped-def]
    user = user_with_role(role, consultation.project)
    if user is not None:
        client.force_login(user)
    return client


def _pages(consultation):  # type: ignore[no-untyped-def]
    proposal = ProposalFactory(consultation=consultation)
    return [
        reverse("consultations:answers", args=[consultation.slug]),
        reverse("consultations:answer", args=[proposal.pk]),
        reverse("consultations:finish", args=[consultation.slug]),
    ]


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_open_the_answers_pages(client, role, expected):
    consultation = _closed()
    client = _as(client, role, consultation)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_who_may_open_them_in_a_draft_project(client, role, expected):
    consultation = _closed(project=ProjectFactory(status=Project.Status.DRAFT))
    client = _as(client, role, consultation)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_HIDDEN)
def test_who_may_open_them_for_a_draft_consultation(client, role, expected):
    consultation = _closed(published=False)
    client = _as(client, role, consultation)
    for url in _pages(consultation):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_answer(client, role, expected):
    proposal = ProposalFactory()
    client = _as(client, role, proposal.consultation)
    response = client.post(
        reverse("consultations:answer", args=[proposal.pk]),
        {"status": "accepted", "text": "Oui."},
    )
    assert_answer(response, expected, ok_status=302)
    proposal.refresh_from_db()
    assert (proposal.answer_status == "accepted") == (expected == OK)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_hide_a_proposal(client, role, expected):
    proposal = ProposalFactory()
    client = _as(client, role, proposal.consultation)
    response = client.post(
        reverse("consultations:hide", args=[proposal.pk]),
        {"action": "masquer", "reason": "Propos injurieux."},
    )
    if expected == LOGIN:
        # A POST-only address: back to the page that holds the form after signing in.
        assert response.status_code == 302
        assert response["Location"] == "/compte/connexion/?next=" + reverse(
            "consultations:answer", args=[proposal.pk]
        )
    else:
        assert_answer(response, expected, ok_status=302)
    proposal.refresh_from_db()
    assert (proposal.status == Proposal.Status.HIDDEN) == (expected == OK)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_who_may_finish(client, role, expected):
    consultation = _closed()
    client = _as(client, role, consultation)
    response = client.post(
        reverse("consultations:finish", args=[consultation.slug]),
        {"statement": "Merci à toutes et tous.", "unanswered": "0"},
    )
    assert_answer(response, expected, ok_status=302)
    consultation.refresh_from_db()
    assert (consultation.finished_at is not None) == (expected == OK)


def test_the_hide_address_takes_post_only(client, facilitator, consultation):
    client.force_login(facilitator)
    proposal = ProposalFactory(consultation=consultation)
    assert client.get(reverse("consultations:hide", args=[proposal.pk])).status_code == 405


def test_unknown_proposals_and_consultations_are_not_found(client, facilitator):
    client.force_login(facilitator)
    assert client.get(reverse("consultations:answer", args=[999999])).status_code == 404
    assert client.get(reverse("consultations:answers", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("consultations:finish", args=["nulle-part"])).status_code == 404


def test_an_anonymous_visitor_signs_in_first_even_for_nothing(client):
    response = client.get(reverse("consultations:answer", args=[999999]))
    assert_answer(response, LOGIN)
