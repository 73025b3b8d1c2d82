"""My proposals in "Mon espace", with what became of them."""

from __future__ import annotations

import pytest

from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ProposalFactory
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_my_space_shows_my_proposals_and_their_official_answer(client):
    user = UserFactory()
    ProposalFactory(author=user, title="Une haie au stade", answer_status="accepted")
    ProposalFactory(author=user, title="Des bancs", support_count=3)
    ProposalFactory(author=user, title="Pas confirmée", status=Proposal.Status.UNCONFIRMED)
    ProposalFactory(title="Celle d’une autre")
    client.force_login(user)
    page = client.get("/compte/mon-espace/").content.decode()
    assert "Mes propositions" in page
    assert "Une haie au stade" in page
    assert "réponse : retenue" in page
    assert "Des bancs" in page
    assert "3 soutiens" in page
    assert "en attente d’une réponse officielle" in page
    assert "Pas confirmée" not in page
    assert "Celle d’une autre" not in page


def test_no_part_without_a_proposal(client):
    client.force_login(UserFactory())
    assert "Mes propositions" not in client.get("/compte/mon-espace/").content.decode()
