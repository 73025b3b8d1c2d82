"""Fixtures of the list-mail tests: for mail coming in, a collective at listes.example.org,
six members who write from real mail clients and a first message to reply to; for mail
going out, `members`: a collective with one member for each way of receiving the list."""

from __future__ import annotations

import pytest

from tissage.collectives.lists import services
from tissage.collectives.models import CollectiveMembership
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.tests.factories import UserFactory

from .dnszone import Zone
from .helpers import DOMAIN, SITE, member

Delivery = CollectiveMembership.Delivery


@pytest.fixture(autouse=True)
def list_domain(settings):
    settings.LIST_DOMAIN = DOMAIN


@pytest.fixture
def dns_zone(settings):
    """The DNS the sender check sees: empty until the test adds records."""
    zone = Zone()
    settings.LIST_DNS_RESOLVER = zone
    return zone


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


@pytest.fixture
def list_settings(settings):
    settings.SITE_URL = SITE
    settings.LIST_DOMAIN = "listes.tissage.example"
    return settings


@pytest.fixture
def members(list_settings):
    collective = CollectiveFactory(name="Bassin de Londres", slug="bassin")
    people = {
        "author": UserFactory(email="camille@example.org", display_name="Camille Martin"),
        "alice": UserFactory(email="alice@example.org", language="fr"),
        "bob": UserFactory(email="bob@example.org", language="en"),
        "web": UserFactory(email="web@example.org"),
        "digest": UserFactory(email="digest@example.org"),
        "pending": UserFactory(email="pending@example.org"),
    }
    memberships = {
        "author": MembershipFactory(collective=collective, user=people["author"]),
        "alice": MembershipFactory(collective=collective, user=people["alice"]),
        "bob": MembershipFactory(collective=collective, user=people["bob"]),
        "web": MembershipFactory(collective=collective, user=people["web"], delivery=Delivery.WEB),
        "digest": MembershipFactory(
            collective=collective, user=people["digest"], delivery=Delivery.DIGEST
        ),
        "pending": MembershipFactory(
            collective=collective,
            user=people["pending"],
            status=CollectiveMembership.Status.PENDING,
        ),
    }
    # Someone of another collective receives nothing from this one.
    MembershipFactory(user=UserFactory(email="elsewhere@example.org"))
    return collective, people, memberships
