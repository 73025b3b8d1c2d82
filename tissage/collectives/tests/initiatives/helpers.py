"""Helpers shared by the initiatives' tests."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url

from tissage.collectives.initiatives import services
from tissage.collectives.models import Collective, Initiative
from tissage.collectives.tests.factories import MembershipFactory

LOGIN = "login"


def propose(collective: Collective, proposer=None, **fields) -> Initiative:
    if proposer is None:
        proposer = MembershipFactory(collective=collective).user
    data = {
        "title": "Une épicerie de producteurs",
        "what": "Vendre les **produits** du coin.",
        "where": "La vieille gare",
        "needs": "Des bras et un local",
    }
    data.update(fields)
    return services.initiative_propose(
        collective=collective,
        proposer=proposer,
        initiative_url_base="https://tissage.example",
        **data,
    )


def base(collective: Collective) -> str:
    return f"/collectifs/{collective.slug}/initiatives/"


def assert_login(response) -> None:
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))
