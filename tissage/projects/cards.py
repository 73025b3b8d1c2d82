"""A project's card (the home page, the project list, an organisation's page), rendered
once per state and kept (core.cards): its key holds everything the card shows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.utils.safestring import SafeString

from tissage.core.cards import rendered_cards

from .models import Project

TEMPLATE = "projects/_card.html"


def _shown(project: Project) -> Hashable:
    return (
        project.pk,
        project.slug,
        project.title,
        project.summary,
        project.status,
        project.call_to_action,
        project.cover.name,
        project.cover_alt,
        project.organisation.name,
        project.member_count,  # type: ignore[attr-defined]  # for_listing()
    )


def project_cards(projects: Sequence[Project]) -> list[SafeString]:
    """The cards of `projects` (read with `for_listing()`), in order."""
    return rendered_cards(TEMPLATE, projects, _shown, lambda project: {"project": project})
