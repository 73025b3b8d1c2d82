"""What other websites embed for the actions' pages (oEmbed, `core.widgets`; declared in
`apps.py` as `embeds`): an action's card with its register button, and a project's agenda.
Each fetches what the address names through the lookups, as an anonymous visitor: a page
that is not public raises 404 and is not embeddable."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from tissage.actions import lookups
from tissage.core.widgets import Embed
from tissage.projects import lookups as project_lookups

from .views import action_frame, agenda_frame


def action_embed(request: HttpRequest, slug: str) -> Embed:
    action, _rights = lookups.get_action(request, slug)
    return action_frame(action)


def project_agenda_embed(request: HttpRequest, slug: str) -> Embed:
    project = project_lookups.get_project(request, slug)
    return agenda_frame(
        project.title, reverse("actions:widget_agenda_project", args=[project.slug])
    )
