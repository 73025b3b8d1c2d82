"""What other websites embed for the inventories' pages (oEmbed, `core.widgets`; declared
in `apps.py` as `embeds`): a campaign's page or map → its map; an item → its card. Fetched
through the lookups as an anonymous visitor: a campaign of a draft project, an item not
published, raise 404 and are not embeddable."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from tissage.core.widgets import Embed

from .. import lookups
from .views import ITEM_SIZE, map_choice


def campaign_embed(request: HttpRequest, slug: str) -> Embed:
    campaign, _rights = lookups.get_campaign(request, slug)
    return map_choice(campaign.slug, campaign.title).frame


def item_embed(request: HttpRequest, slug: str, pk: int) -> Embed:
    campaign, rights = lookups.get_campaign(request, slug)
    item = lookups.get_item(request, campaign, rights, pk)
    return Embed(
        item.title,
        reverse("inventories:widget_item", kwargs={"slug": campaign.slug, "pk": item.pk}),
        *ITEM_SIZE,
    )
