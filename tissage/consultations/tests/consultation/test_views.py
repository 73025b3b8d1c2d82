"""The consultation page and its place on the project's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.tests.factories import (
    CategoryFactory,
    CommentFactory,
    ConsultationFactory,
    ProposalFactory,
    SupportFactory,
)
from tissage.core.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_state_the_dates_and_the_answers_given(client):
    consultation = ConsultationFactory(title="Où planter l'hiver prochain ?")
    ProposalFactory(consultation=consultation, answer_status="accepted")
    ProposalFactory(consultation=consultation)
    response = client.get(reverse("consultations:detail", args=[consultation.slug]))
    page = response.content.decode()
    assert "Où planter l&#x27;hiver prochain ?" in page
    assert "Ouverte" in page
    assert "1 proposition sur 2 a une réponse officielle." in page


def test_the_project_page_lists_its_published_consultations_and_invites_to_take_part(client):
    consultation = ConsultationFactory(title="Haies du plateau")
    ConsultationFactory(project=consultation.project, title="Brouillon caché", published=False)
    page = client.get(consultation.project.get_absolute_url()).content.decode()
    assert "Haies du plateau" in page
    assert "Brouillon caché" not in page
    assert reverse("consultations:detail", args=[consultation.slug]) in page


def test_a_closed_consultation_is_not_offered_as_a_way_to_take_part(client):
    today = timezone.localdate()
    consultation = ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1)
    )
    page = client.get(consultation.project.get_absolute_url()).content.decode()
    assert "Donnez votre avis" not in page
    assert "Réponses en cours" in page


def _proposals(consultation, count: int) -> None:
    categories = [CategoryFactory(consultation=consultation) for _ in range(2)]
    communes = [CommuneFactory() for _ in range(2)]
    for n in range(count):
        proposal = ProposalFactory(
            consultation=consultation,
            category=categories[n % 2],
            commune=communes[n % 2],
            answer_status="accepted" if n % 3 == 0 else "",
        )
        CommentFactory(proposal=proposal)
        SupportFactory(proposal=proposal)


def test_the_consultation_page_reads_the_same_queries_whatever_its_proposals(
    client, django_assert_max_num_queries
):
    """Issue #20: the query count of every key page is held by a test."""
    consultation = ConsultationFactory()
    url = reverse("consultations:detail", args=[consultation.slug])
    _proposals(consultation, 2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200

    _proposals(consultation, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_proposal_page_reads_the_same_queries_whatever_its_comments(
    client, django_assert_max_num_queries
):
    consultation = ConsultationFactory()
    _proposals(consultation, 1)
    proposal = consultation.proposals.get()
    url = reverse("consultations:proposal", args=[proposal.pk])
    with django_assert_max_num_queries(15) as few:
        assert client.get(url).status_code == 200

    for _ in range(10):
        CommentFactory(proposal=proposal)
        SupportFactory(proposal=proposal)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
