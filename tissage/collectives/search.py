"""The collectives' part of site search (core.search): collectives (their page is
public), and the initiatives and wiki pages of those the visitor may read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from tissage.core.search import SearchGroup, SearchHit, SearchTerms, matching, search_group

from .access import AnyUser, collectives_readable_by
from .models import Collective, Initiative, WikiRevision

# Indexed by migration 0009 (core.search.search_index_operations): the same columns.
COLLECTIVE_COLUMNS = ("name", "description")
INITIATIVE_COLUMNS = ("title", "what", "where", "needs")
WIKI_COLUMNS = ("title", "body")


def collectives_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    rows = matching(Collective.objects.all(), COLLECTIVE_COLUMNS, terms).only("name", "slug")
    return search_group(
        kind="collectives",
        label=_("Collectives"),
        rows=rows,
        hit=lambda collective: SearchHit(title=collective.name, url=collective.get_absolute_url()),
    )


def initiatives_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    visible = Initiative.objects.filter(collective__in=collectives_readable_by(user))
    rows = (
        matching(visible, INITIATIVE_COLUMNS, terms)
        .select_related("collective")
        .only("title", "collective__name", "collective__slug")
    )
    return search_group(
        kind="initiatives",
        label=_("Initiatives"),
        rows=rows,
        hit=lambda initiative: SearchHit(
            title=initiative.title,
            url=initiative.get_absolute_url(),
            detail=initiative.collective.name,
        ),
    )


def wiki_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    """Wiki pages by their current revision (the text people read)."""
    visible = WikiRevision.objects.filter(
        page__current=models.F("pk"), page__collective__in=collectives_readable_by(user)
    )
    rows = (
        matching(visible, WIKI_COLUMNS, terms)
        .select_related("page__collective")
        .only("title", "page__slug", "page__collective__name", "page__collective__slug")
    )
    return search_group(
        kind="wiki",
        label=_("Wiki pages"),
        rows=rows,
        hit=lambda revision: SearchHit(
            title=revision.title,
            url=revision.page.get_absolute_url(),
            detail=revision.page.collective.name,
        ),
    )
