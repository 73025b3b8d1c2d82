"""Emails sent while someone else acts (a facilitator answering or hiding a proposal)
speak the recipient's language: French for a guest, whatever the facilitator reads; the
account's language for an author with one — the sentence saying why they receive it
too."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from tissage.consultations.answers.services import proposal_answer, proposal_hide
from tissage.consultations.models import Support
from tissage.core.tests.factories import UserFactory

from ..factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_a_guest_hears_of_the_answer_in_french_when_the_facilitator_reads_english(
    consultation, facilitator, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_name="Jeanne",
        author_email="jeanne@example.org",
        title="Un banc",
    )
    Support.objects.create(
        proposal=proposal, email="paul@example.org", confirmed_at=proposal.created_at
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        proposal_answer(
            proposal=proposal,
            answered_by=facilitator,
            status="accepted",
            text="En mars.",
            base_url="https://tissage.example",
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Réponse officielle" in message.subject, message.subject
        assert "Vous recevez cet e-mail" in message.body
        assert "You receive this email" not in message.body


def test_an_author_hears_of_the_hiding_in_their_own_language(
    consultation, facilitator, django_capture_on_commit_callbacks
):
    author = UserFactory(language="en")
    proposal = ProposalFactory(consultation=consultation, author=author, title="A bench")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        proposal_hide(
            proposal=proposal,
            moderator=facilitator,
            reason="Hors sujet.",
            base_url="https://tissage.example",
        )
    (message,) = mail.outbox
    assert "You receive this email because you made the proposal" in message.body
    assert "Vous recevez cet e-mail" not in message.body
