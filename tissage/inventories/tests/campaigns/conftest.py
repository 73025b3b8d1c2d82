"""Fixtures of the campaign tests: a facilitator signed in, and communes to choose from."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import CommuneFactory, _square


@pytest.fixture
def signed_in(client, facilitator, settings):
    client.force_login(facilitator)
    # Messages are checked in English, whatever the state of the French catalogue.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def territory(campaign):
    """Three communes of the organisation, and one elsewhere."""
    organisation = campaign.project.organisation
    communes = [
        CommuneFactory(name="Anduze", insee_code="30010", geometry=_square(4.0, 44.0)),
        CommuneFactory(name="Saint-Jean-du-Gard", insee_code="30259", geometry=_square(3.9, 44.1)),
        CommuneFactory(name="Lézan", insee_code="30146", geometry=_square(4.05, 44.0)),
    ]
    organisation.communes.set(communes)
    CommuneFactory(name="Montpellier", insee_code="34172", department="34")
    return communes
