"""Rows for the API's tests, made quickly (many of them, for the query counts and the
pagination): straight through the ORM where the apps' services would only add emails and
photos; the rules under test are the API's reads, not the writes."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action
from tissage.collectives.models import Initiative
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.core.tests.factories import ProjectFactory
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution

NOW = timezone.now


def an_action(project: Any = None, *, days: int = 10, places: int = 5, **fields: Any) -> Action:
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    fields.setdefault("status", Action.Status.PUBLISHED)
    return action_create(
        project=project or ProjectFactory(),
        title=fields.pop("title", "Plantation de haies"),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", places)],
        address="Place de la mairie",
        **fields,
    )


def a_campaign(project: Any = None, **fields: Any) -> Campaign:
    return campaign_create(
        project=project or ProjectFactory(),
        title=fields.pop("title", "Petit patrimoine"),
        **fields,
    )


def an_item(
    campaign: Campaign, *, lon: float = 4.36, lat: float = 43.84, **fields: Any
) -> Contribution:
    """A published item (validated), unless `status` says otherwise."""
    category = fields.pop("category", None) or campaign.categories.first()
    if category is None:
        category = campaign.categories.create(name="Lavoir", slug="lavoir")
    fields.setdefault("status", Contribution.Status.VALIDATED)
    if fields["status"] == Contribution.Status.VALIDATED:
        fields.setdefault("validated_at", timezone.now())
    return Contribution.objects.create(
        campaign=campaign,
        category=category,
        title=fields.pop("title", "Lavoir"),
        longitude=lon,
        latitude=lat,
        licence=campaign.licence,
        consent_at=timezone.now(),
        contributor_name=fields.pop("contributor_name", "Jeanne"),
        contributor_email=fields.pop("contributor_email", "jeanne@example.org"),
        **fields,
    )


def an_initiative(collective: Any = None, **fields: Any) -> Initiative:
    return Initiative.objects.create(
        collective=collective or CollectiveFactory(),
        title=fields.pop("title", "Jardin partagé"),
        what=fields.pop("what", "Un jardin au bord de la rivière."),
        **fields,
    )
