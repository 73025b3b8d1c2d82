"""The agenda's cards, each rendered once per state and kept in Django's cache: a card
changes with its action, its project (title, cover), the places left and the language,
and those make its key, so a kept card is never stale. A page of 24 cards costs one
`get_many` instead of 24 template renderings."""

from __future__ import annotations

import hashlib
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
    # Covers are in the key as well as the times of change: a cover saved with
    # `update_fields` (the project's cover form) leaves `updated_at` as it was.
    state = (
        action.pk,
        action.updated_at.isoformat(),
        action.cover.name,
        action.cover_alt,
        project.pk,
        project.updated_at.isoformat(),
        project.cover.name,
        project.cover_alt,
        action.commune_id,
        left,
        get_language(),
    )
    digest = hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
    return f"agenda-card:{action.pk}:{digest}"


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
