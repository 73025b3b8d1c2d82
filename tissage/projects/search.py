"""The projects' part of site search (core.search): projects the visitor may see."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tissage.core.search import SearchGroup, SearchHit, SearchTerms, matching, search_group

from .access import AnyUser, projects_visible_to

# Indexed by migration 0002 (core.search.search_index_operations): the same columns.
PROJECT_COLUMNS = ("title", "summary", "description")


def projects_search(terms: SearchTerms, user: AnyUser) -> SearchGroup | None:
    rows = matching(projects_visible_to(user), PROJECT_COLUMNS, terms)
    return search_group(
        kind="projects",
        label=_("Projects"),
        rows=rows.only("title", "slug", "summary"),
        hit=lambda project: SearchHit(
            title=project.title, url=project.get_absolute_url(), detail=project.summary
        ),
    )
