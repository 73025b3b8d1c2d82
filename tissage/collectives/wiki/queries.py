"""Reads of the wiki: its hub page, the index of its pages, the page a title names."""

from __future__ import annotations

from ..models import Collective, WikiPage
from .services import title_slug


def hub_page(collective: Collective) -> WikiPage | None:
    """The hub page (the *gare centrale*) with its current revision, if there is one."""
    return (
        WikiPage.objects.filter(collective=collective, is_hub=True)
        .select_related("current")
        .first()
    )


def index_pages(collective: Collective) -> list[WikiPage]:
    """Every page of the wiki, the hub first, then by title, with its current revision."""
    return list(
        WikiPage.objects.filter(collective=collective)
        .select_related("current")
        .order_by("-is_hub", "title")
    )


def page_titled(collective: Collective, title: str) -> WikiPage | None:
    """The page a title names, case and accents ignored (as a [[link]] finds it)."""
    return WikiPage.objects.filter(collective=collective, slug=title_slug(title)).first()
