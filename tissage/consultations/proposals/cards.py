"""A proposal's card (the consultation's list of proposals), rendered once per state and
kept (core.cards), as the agenda's and the items' cards are (issue #20): its key holds
everything the card shows, so a new support, comment or answer shows at once."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

from django.utils.safestring import SafeString

from tissage.core.cards import rendered_cards, rendered_fields

from ..models import Proposal

TEMPLATE = "consultations/proposals/_card.html"
FILTERS_TEMPLATE = "consultations/proposals/_filter_fields.html"


def _shown(proposal: Proposal) -> Hashable:
    category, commune = proposal.category, proposal.commune
    return (
        proposal.pk,
        proposal.title,
        category.name if category else None,
        commune.name if commune else None,
        proposal.support_count,
        proposal.comment_count,
        proposal.answer_status,
    )


def proposal_cards(proposals: Sequence[Proposal]) -> list[SafeString]:
    """The cards of `proposals` (read with `for_cards()`), in order."""
    return rendered_cards(TEMPLATE, proposals, _shown, lambda proposal: {"proposal": proposal})


def filter_fields(form: Any) -> SafeString:
    """The list's filter fields, and its order kept as a hidden field when chosen: the
    same for most visitors, kept per state (`core.cards.rendered_fields`)."""
    return rendered_fields(form, FILTERS_TEMPLATE)
