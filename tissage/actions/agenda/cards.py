"""The agenda's cards, each rendered once per state and kept (core.cards): a card changes
with its action, its project (title, cover), the places left and the language, and
those make its key, so a kept card is never stale."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.utils.safestring import SafeString

from tissage.actions.models import Action
from tissage.core.cards import rendered_cards

TEMPLATE = "actions/agenda/_card.html"


def _shown(card: tuple[Action, int]) -> Hashable:
    action, left = card
    project = action.project
    # Covers are in the key as well as the times of change: a cover saved with
    # `update_fields` (the project's cover form) leaves `updated_at` as it was.
    return (
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
    )


def cards_html(cards: Sequence[tuple[Action, int]]) -> list[SafeString]:
    """The HTML of each (action, places left) card, in order."""
    return rendered_cards(
        TEMPLATE, cards, _shown, lambda card: {"action": card[0], "left": card[1]}
    )
