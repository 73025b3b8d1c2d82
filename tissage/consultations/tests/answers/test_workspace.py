"""The consultations' part of the staff workspace: proposals without an official answer,
per consultation the person runs, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.answers.workspace import workspace
from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.registry import workspace_items
from tissage.core.tests.factories import ProjectMembershipFactory, UserFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def test_proposals_without_an_answer_are_counted_per_consultation(facilitator, consultation):
    ProposalFactory.create_batch(2, consultation=consultation)
    ProposalFactory(consultation=consultation, part=Proposal.Part.MAP)
    ProposalFactory(consultation=consultation, answer_status="accepted")
    ProposalFactory(consultation=consultation, status=Proposal.Status.HIDDEN)
    other = ConsultationFactory(project=consultation.project, title="Aaa")
    ProposalFactory(consultation=other)
    ProposalFactory()  # another project's

    items = workspace(facilitator)

    assert [(item.count, item.url) for item in items] == [
        (1, reverse("consultations:answers", args=[other.slug])),
        (3, reverse("consultations:answers", args=[consultation.slug])),
    ]
    assert items[1].label == f"propositions sans réponse officielle dans « {consultation.title} »"
    assert items[0].group == "Consultations"
    assert any(item.url == items[1].url for item in workspace_items(facilitator))


def test_nothing_for_who_does_not_run_it(member, consultation):
    ProposalFactory(consultation=consultation)
    assert workspace(member) == []
    assert workspace(UserFactory()) == []


@pytest.mark.parametrize("size", [3, 30])
def test_a_constant_number_of_queries(django_assert_max_num_queries, size):
    user = UserFactory()
    for _ in range(size):
        consultation = ConsultationFactory()
        ProjectMembershipFactory(
            user=user, project=consultation.project, role=ProjectMembership.Role.FACILITATOR
        )
        ProposalFactory(consultation=consultation)
    with django_assert_max_num_queries(2):
        items = workspace(user)
    assert len(items) == size
