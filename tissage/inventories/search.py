"""The inventories' part of site search (core.search): published items of the projects
the visitor may see, shown with their commune only (never their exact place)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tissage.core.search import SearchHit, SearchKind
from tissage.projects.access import AnyUser, on_visible_project

from .models import Contribution

# Indexed on title, description and address (migrations 0011 and 0021).


def _visible(user: AnyUser) -> QuerySet[Contribution]:
    return Contribution.objects.published().filter(on_visible_project(user, "campaign__project"))


def _hit(item: Contribution) -> SearchHit:
    parts = (item.campaign.title, item.commune.name if item.commune else "")
    return SearchHit(
        title=item.title,
        url=item.get_absolute_url(),
        detail=" · ".join(part for part in parts if part),
    )


items_kind = SearchKind(
    kind="items",
    label=_("Inventory items"),
    model=Contribution,
    visible=_visible,
    hit=_hit,
    shown=("title", "campaign__title", "campaign__slug", "commune__name"),
    related=("campaign", "commune"),
)
