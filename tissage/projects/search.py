"""The projects' part of site search (core.search): projects the visitor may see."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tissage.core.search import SearchHit, SearchKind

from .access import projects_visible_to
from .models import Project

# Indexed on title, summary and description (migrations 0002 and 0004).


def _hit(project: Project) -> SearchHit:
    return SearchHit(title=project.title, url=project.get_absolute_url(), detail=project.summary)


projects_kind = SearchKind(
    kind="projects",
    label=_("Projects"),
    model=Project,
    visible=projects_visible_to,
    hit=_hit,
    shown=("title", "slug", "summary"),
)
