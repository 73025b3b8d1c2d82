"""The open consultations on the home page."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from tissage.consultations.models import Proposal
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_home():
    cache.clear()


def test_the_home_page_invites_to_the_open_consultations(client):
    today = timezone.localdate()
    open_ = ConsultationFactory(title="Où planter cet hiver ?")
    ProposalFactory.create_batch(2, consultation=open_)
    ProposalFactory(consultation=open_, status=Proposal.Status.HIDDEN)
    ConsultationFactory(title="Pas encore", opens_on=today + datetime.timedelta(days=3))
    ConsultationFactory(title="Brouillon", published=False)
    page = client.get("/").content.decode()
    assert "Donnez votre avis" in page
    assert "Où planter cet hiver ?" in page
    assert "2 propositions" in page
    assert "Pas encore" not in page
    assert "Brouillon" not in page


def test_without_an_open_consultation_the_home_page_has_no_such_part(client):
    ConsultationFactory(finished_at=timezone.now())
    assert "Donnez votre avis" not in client.get("/").content.decode()
