"""Reads of the wiki: its hub page, the index of its pages, the page a title names."""

from __future__ import annotations

from ..models import Collective, WikiPage


def hub_page(collective: Collective) -> WikiPage | None:
    """The hub page (the *gare centrale*) with its current revision, if there is one."""
    return (
        WikiPage.objects.filter(collective=collective, is_hub=True)
        .select_related("current")
        .first()
    )
