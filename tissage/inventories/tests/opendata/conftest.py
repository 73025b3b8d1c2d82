"""Fixtures of the open-data tests: a moderator, who runs the campaign signed in (for
the import), and items of every status."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import a_photo, published, submit


@pytest.fixture
def moderator(facilitator):
    """Who moderates the campaign: a facilitator of its project."""
    return facilitator


@pytest.fixture
def manager(client, facilitator):
    """Who runs the campaign (and may import into it), signed in."""
    client.force_login(facilitator)
    return facilitator


@pytest.fixture
def items(campaign, moderator):
    """A published lavoir with two photos and answers; an obscured croix by a guest who
    hides her name; and items that must stay out of public exports."""
    shown = published(
        campaign,
        moderator,
        title="Lavoir de la Fontaine",
        description="Bassin couvert.\nToit de tuiles.",
        address="chemin de la Fontaine",
        values={"siecle": "XIXe siècle", "materiaux": ["calcaire", "galets"], "etat": "bon état"},
        photos=[a_photo("Jeanne D."), a_photo("Paul M.")],
        contributor=UserFactory(display_name="Jeanne", email="jeanne.secret@example.org"),
    )
    hidden = submit(
        campaign,
        category=campaign.categories.get(merimee_denomination="croix"),
        title="Croix de chemin",
        lon=4.36789,
        lat=43.84567,
        address="12 impasse des Oliviers",
        obscure_location=True,
        show_contributor=False,
        guest_name="Louise",
        guest_email="louise.secret@example.org",
    )
    Contribution.objects.filter(pk=hidden.pk).update(status=Contribution.Status.SUBMITTED)
    contribution_decide(item=hidden, moderator=moderator, status=Contribution.Status.VALIDATED)
    waiting = submit(campaign, title="Lavoir en attente", contributor=UserFactory())
    rejected = submit(campaign, title="Lavoir refusé", contributor=UserFactory())
    contribution_decide(
        item=rejected, moderator=moderator, status=Contribution.Status.REJECTED, message="Non."
    )
    archived = published(campaign, moderator, title="Lavoir archivé")
    contribution_decide(item=archived, moderator=moderator, status=Contribution.Status.ARCHIVED)
    shown.refresh_from_db()
    hidden.refresh_from_db()
    return {"shown": shown, "hidden": hidden, "waiting": waiting, "rejected": rejected}
