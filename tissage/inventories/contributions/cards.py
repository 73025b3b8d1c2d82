"""An item's card (the item list, the campaign page's latest items), rendered once per
state and kept (core.cards): its key holds everything the card shows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.utils.safestring import SafeString

from tissage.core.cards import rendered_cards

from ..models import Campaign, Contribution

TEMPLATE = "inventories/contributions/_item_card.html"


def item_cards(campaign: Campaign, items: Sequence[Contribution]) -> list[SafeString]:
    """The cards of `items` (read with `for_cards()`), in order."""

    def shown(item: Contribution) -> Hashable:
        photo = item.first_photo
        return (
            campaign.slug,
            item.pk,
            item.title,
            item.category.name,
            item.commune.name if item.commune else None,
            # The thumbnail's address follows from its file's name (public or not).
            (photo.pk, photo.thumbnail.name) if photo else None,
        )

    return rendered_cards(TEMPLATE, items, shown, lambda item: {"item": item, "campaign": campaign})
