"""The agenda's cards, each rendered once per state and kept in Django's cache: a card
changes with its action, its project (title, cover), the places left and the language,
and those make its key, so a kept card is never stale. A page of 24 cards costs one
`get_many` instead of 24 template renderings."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tissage.actions.models import Action

# A card is kept this long after its last display (a new state is a new key anyway).
CARD_CACHE_SECONDS = 3600


def _key(action: Action, left: int) -> str:
    project = action.project
    return (
        f"agenda-card:{action.pk}:{action.updated_at.isoformat()}:{project.pk}:"
        f"{project.updated_at.isoformat()}:{action.commune_id}:{left}:{get_language()}"
    )


def cards_html(cards: Sequence[tuple[Action, int]]) -> list[SafeString]:
    """The HTML of each (action, places left) card, in order: kept ones from the cache,
    the others rendered (`actions/agenda/_card.html`) and kept."""
    keys = [_key(action, left) for action, left in cards]
    kept = cache.get_many(keys)
    template = get_template("actions/agenda/_card.html")
    made = {}
    for key, (action, left) in zip(keys, cards, strict=True):
        if key not in kept:
            made[key] = template.render({"action": action, "left": left})
    if made:
        cache.set_many(made, CARD_CACHE_SECONDS)
    # Rendered by the template engine, which escapes: safe as it was made.
    return [mark_safe(kept.get(key) or made[key]) for key in keys]  # noqa: S308
