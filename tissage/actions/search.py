"""The actions' part of site search (core.search): published actions of the projects
the visitor may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tissage.core.search import SearchGroup, SearchHit, SearchTerms, matching, search_group
from tissage.projects.access import AnyUser, projects_visible_to

from .models import Action

# Indexed by migration 0006 (core.search.search_index_operations): the same columns.
ACTION_COLUMNS = ("title", "description", "address", "meeting_point")


def _hit(action: Action) -> SearchHit:
    when = formats.date_format(timezone.localtime(action.starts_at), "DATE_FORMAT")
    place = action.commune.name if action.commune else ""
    return SearchHit(
        title=action.title,
        url=reverse("actions:detail", kwargs={"slug": action.slug}),
        detail=" · ".join(part for part in (when, place) if part),
    )


def actions_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    visible = Action.objects.published().filter(project__in=projects_visible_to(user))
    rows = (
        matching(visible, ACTION_COLUMNS, terms)
        .select_related("commune")
        .only("title", "slug", "starts_at", "commune__name")
    )
    return search_group(kind="actions", label=_("Actions"), rows=rows, hit=_hit)
