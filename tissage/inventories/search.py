"""The inventories' part of site search (core.search): published items of the projects
the visitor may see, shown with their commune only (never their exact place)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tissage.core.search import SearchGroup, SearchHit, SearchTerms, matching, search_group
from tissage.projects.access import AnyUser, projects_visible_to

from .models import Contribution

# Indexed by migration 0011 (core.search.search_index_operations): the same columns.
CONTRIBUTION_COLUMNS = ("title", "description", "address")


def _hit(item: Contribution) -> SearchHit:
    parts = (item.campaign.title, item.commune.name if item.commune else "")
    return SearchHit(
        title=item.title,
        url=item.get_absolute_url(),
        detail=" · ".join(part for part in parts if part),
    )


def items_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    visible = Contribution.objects.published().filter(
        campaign__project__in=projects_visible_to(user)
    )
    rows = (
        matching(visible, CONTRIBUTION_COLUMNS, terms)
        .select_related("campaign", "commune")
        .only("title", "campaign__title", "campaign__slug", "commune__name")
    )
    return search_group(kind="items", label=_("Inventory items"), rows=rows, hit=_hit)
