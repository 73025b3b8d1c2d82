"""What the map page reads besides the map's data: its legend and the list of what is
placed (the map's text alternative, and the page without JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from ..models import Consultation, Proposal
from .data import IDEA_COLOUR, OTHER_COLOUR, colour_of, kind_colour, map_kinds, placed

PER_PAGE = 20


@dataclass(frozen=True)
class LegendEntry:
    name: str
    colour: str


@dataclass(frozen=True)
class Legend:
    entries: list[LegendEntry]
    colours: dict[int, str]  # a kind's colour by its id

    def colour(self, item: Proposal) -> str:
        return colour_of(item.part, item.category_id, self.colours)


def legend(consultation: Consultation) -> Legend:
    """The kinds of remark and their colours (as `data.kind_colours` gives them), then
    other remarks and ideas placed on the map: one query."""
    colours: dict[int, str] = {}
    entries = []
    for i, category in enumerate(map_kinds(consultation)):
        colours[category.pk] = kind_colour(i)
        entries.append(LegendEntry(category.name, colours[category.pk]))
    entries.append(LegendEntry(_("Other remark"), OTHER_COLOUR))
    if consultation.proposals_enabled:
        entries.append(LegendEntry(_("Proposal placed on the map"), IDEA_COLOUR))
    return Legend(entries, colours)


def placed_page(consultation: Consultation, number: str | None) -> Page[Proposal]:
    """One page of what is placed, newest first, with its kind and commune: two queries
    (the count, the page), whatever the page's length."""
    items = (
        placed(consultation).select_related("category", "commune").order_by("-created_at", "-pk")
    )
    return Paginator(items, PER_PAGE).get_page(number)
