"""Hiding a proposal needs a reason, told to its author by email; showing it again."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderating(client, committed, facilitator):
    client.force_login(facilitator)
    return committed(client)


def _hide(client, proposal, reason="Propos injurieux."):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("consultations:hide", args=[proposal.pk]), {"action": "masquer", "reason": reason}
    )


def test_hiding_a_proposal_tells_its_author_why(moderating, consultation):
    proposal = ProposalFactory(consultation=consultation, title="Une idée")
    mail.outbox.clear()
    response = _hide(moderating, proposal)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
    assert proposal.hidden_reason == "Propos injurieux."
    assert [m.to for m in mail.outbox] == [[proposal.author.email]]
    assert "Propos injurieux." in mail.outbox[0].body
    assert "« Une idée »" in mail.outbox[0].subject
    assert f"http://testserver/consultations/{consultation.slug}/" in mail.outbox[0].body


def test_a_guest_author_is_emailed_at_their_address(moderating, consultation):
    proposal = ProposalFactory(
        consultation=consultation, author=None, author_email="jeanne@example.org"
    )
    mail.outbox.clear()
    _hide(moderating, proposal)
    assert [m.to for m in mail.outbox] == [["jeanne@example.org"]]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_hiding_without_a_reason_is_refused_next_to_the_field(moderating, consultation, reason):
    proposal = ProposalFactory(consultation=consultation)
    mail.outbox.clear()
    response = _hide(moderating, proposal, reason)
    assert response.status_code == 200
    assert list(response.context["hide_form"].errors) == ["reason"]
    assert 'id="id_reason_error"' in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert not mail.outbox


def test_a_hidden_proposal_is_shown_again_without_a_reason(moderating, consultation, client):
    proposal = ProposalFactory(
        consultation=consultation, status=Proposal.Status.HIDDEN, hidden_reason="Doublon."
    )
    page = moderating.get(reverse("consultations:answer", args=[proposal.pk])).content.decode()
    assert "Masquée : « Doublon. »" in page
    response = moderating.post(
        reverse("consultations:hide", args=[proposal.pk]), {"action": "afficher"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.hidden_reason == ""


def test_an_unconfirmed_proposal_cannot_be_hidden(moderating, consultation):
    proposal = ProposalFactory(consultation=consultation, status=Proposal.Status.UNCONFIRMED)
    response = _hide(moderating, proposal)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNCONFIRMED


def test_hide_sent_twice_keeps_the_proposal_hidden(moderating, consultation):
    """A double tap, or the page left open in another tab: the second "Hide" does not
    show it again, nor a second "Show" hide it; no 500."""
    proposal = ProposalFactory(consultation=consultation)
    mail.outbox.clear()
    assert _hide(moderating, proposal).status_code == 302
    again = _hide(moderating, proposal)
    assert again.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
    assert len(mail.outbox) == 1
    assert "déjà masquée" in moderating.get(again["Location"]).text
    show = reverse("consultations:hide", args=[proposal.pk])
    assert moderating.post(show, {"action": "afficher"}).status_code == 302
    assert moderating.post(show, {"action": "afficher"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED


def test_a_hide_form_without_its_action_changes_nothing(moderating, consultation):
    proposal = ProposalFactory(consultation=consultation)
    response = moderating.post(
        reverse("consultations:hide", args=[proposal.pk]), {"reason": "Doublon."}
    )
    assert response.status_code == 200
    assert "Ce formulaire n’est plus à jour" in response.text
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED
