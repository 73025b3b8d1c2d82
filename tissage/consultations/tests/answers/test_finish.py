"""Finishing a consultation: after its closing day, with a public statement; with
proposals left without an answer, only with the explicit check, and the number is
published with the statement."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Consultation, Proposal
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory
from tissage.core.tests.factories import ProjectMembershipFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


def _closed(**fields: object) -> Consultation:
    today = timezone.localdate()
    return ConsultationFactory(
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
        **fields,
    )


def _signed_in(client, consultation):  # type: ignore[no-untyped-def]
    client.force_login(
        ProjectMembershipFactory(
            project=consultation.project, role=ProjectMembership.Role.FACILITATOR
        ).user
    )
    return client


def _finish(client, consultation, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("consultations:finish", args=[consultation.slug]), data)


def test_finishing_with_every_answer_given_publishes_the_statement(client):
    consultation = _closed()
    ProposalFactory(consultation=consultation, answer_status="accepted")
    client = _signed_in(client, consultation)
    response = _finish(client, consultation, statement="Merci à **toutes et tous**.", unanswered=0)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.finished_at is not None
    assert consultation.unanswered_at_closing == 0
    assert consultation.state() == Consultation.State.FINISHED
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "La consultation est terminée" in page
    assert "<strong>toutes et tous</strong>" in page
    assert "sans réponse." not in page


def test_unanswered_proposals_need_the_explicit_check_and_are_said_publicly(client):
    consultation = _closed()
    ProposalFactory.create_batch(2, consultation=consultation)
    ProposalFactory(consultation=consultation, status=Proposal.Status.HIDDEN)  # not counted
    client = _signed_in(client, consultation)
    url = reverse("consultations:finish", args=[consultation.slug])
    page = client.get(url).content.decode()
    assert "Je clôture avec 2 propositions sans réponse" in page
    assert "2 propositions publiées n’ont pas de réponse officielle." in page

    response = _finish(client, consultation, statement="Merci.", unanswered=2)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["confirm"]
    assert "Cochez cette case" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.finished_at is None

    response = _finish(client, consultation, statement="Merci.", unanswered=2, confirm="on")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.unanswered_at_closing == 2
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "2 propositions sont restées sans réponse." in page


def test_a_changed_number_must_be_confirmed_again(client):
    consultation = _closed()
    ProposalFactory.create_batch(3, consultation=consultation)
    client = _signed_in(client, consultation)
    response = _finish(client, consultation, statement="Merci.", unanswered=2, confirm="on")
    assert response.status_code == 200
    page = response.content.decode()
    assert "il est maintenant de 3" in page
    assert 'name="unanswered" value="3"' in page
    assert Consultation.objects.get().finished_at is None


@pytest.mark.parametrize(
    "data",
    [{"statement": "  ", "unanswered": "0"}, {"unanswered": "0"}, {"statement": "x"}],
)
def test_a_missing_statement_or_count_is_refused(client, data):
    consultation = _closed()
    client = _signed_in(client, consultation)
    response = _finish(client, consultation, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Consultation.objects.get().finished_at is None


def test_it_cannot_be_finished_before_its_closing_day_is_over(client, consultation):
    client = _signed_in(client, consultation)
    response = client.get(reverse("consultations:finish", args=[consultation.slug]))
    assert response.status_code == 200
    assert "vous pourrez la clôturer le lendemain" in response.content.decode()
    response = _finish(client, consultation, statement="Trop tôt.", unanswered=0)
    assert response.status_code == 400
    consultation.refresh_from_db()
    assert consultation.finished_at is None
    assert consultation.closing_statement == ""


def test_a_draft_cannot_be_finished(client):
    consultation = _closed(published=False)
    client = _signed_in(client, consultation)
    response = _finish(client, consultation, statement="Merci.", unanswered=0)
    assert response.status_code == 400
    assert "publiez-le d’abord" in response.content.decode()
    assert Consultation.objects.get().finished_at is None


def test_the_statement_can_be_written_again(client):
    consultation = _closed()
    client = _signed_in(client, consultation)
    _finish(client, consultation, statement="Premier.", unanswered=0)
    first = Consultation.objects.get().finished_at
    _finish(client, consultation, statement="Second.", unanswered=0)
    consultation.refresh_from_db()
    assert consultation.closing_statement == "Second."
    assert consultation.finished_at == first


def test_the_toolbar_offers_finishing_only_after_the_closing_day(client, consultation):
    client = _signed_in(client, consultation)
    ProposalFactory(consultation=consultation)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert reverse("consultations:edit", args=[consultation.slug]) in page
    assert reverse("consultations:categories", args=[consultation.slug]) in page
    assert "Réponses (1 sans réponse)" in page
    assert reverse("consultations:finish", args=[consultation.slug]) not in page
    closed = _closed(project=consultation.project)
    page = client.get(closed.get_absolute_url()).content.decode()
    assert reverse("consultations:finish", args=[closed.slug]) in page


def test_the_toolbar_is_for_who_runs_it_only(client, consultation):
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert reverse("consultations:edit", args=[consultation.slug]) not in page
    assert reverse("consultations:answers", args=[consultation.slug]) not in page
