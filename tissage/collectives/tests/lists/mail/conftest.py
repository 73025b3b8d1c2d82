"""Fixtures of the list-mail tests: a collective at listes.example.org, six members who
write from real mail clients, and a first message to reply to."""

from __future__ import annotations

import pytest

from tissage.collectives.lists import services
from tissage.collectives.tests.factories import CollectiveFactory

from .helpers import DOMAIN, member


@pytest.fixture(autouse=True)
def list_domain(settings):
    settings.LIST_DOMAIN = DOMAIN


@pytest.fixture
def collective():
    return CollectiveFactory(slug="jardins", name="Jardins partagés")


@pytest.fixture
def people(collective):
    return {
        "alice": member(collective, "alice.martin@example.net"),
        "bruno": member(collective, "bruno.lefevre@gmail.com"),
        "claire": member(collective, "claire.dubois@outlook.fr"),
        "denis": member(collective, "denis.petit@laposte.net"),
        "emma": member(collective, "emma.roux@orange.fr"),
        "francois": member(collective, "francois.garcon@free.fr"),
    }


@pytest.fixture
def parent(collective, people):
    return services.thread_start(
        collective=collective,
        author=people["alice"],
        subject="Atelier vélo samedi",
        body="Bonjour à toutes et tous,\n\nQui peut aider samedi pour l'atelier vélo ?",
    )
