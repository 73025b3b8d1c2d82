"""What other websites embed for the actions' pages (oEmbed, `core.widgets`; declared in
`apps.py` as `embeds`): an action's card with its register button, and a project's agenda.
Each fetches what the address names through the lookups, as an anonymous visitor: a page
that is not public raises 404 and is not embeddable."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.actions import lookups
from tissage.core.widgets import Embed
from tissage.projects import lookups as project_lookups

from .views import ACTION_SIZE, AGENDA_SIZE


def action_embed(request: HttpRequest, slug: str) -> Embed:
    action, _rights = lookups.get_action(request, slug)
    return Embed(action.title, reverse("actions:widget_action", args=[action.slug]), *ACTION_SIZE)


def project_agenda_embed(request: HttpRequest, slug: str) -> Embed:
    project = project_lookups.get_project(request, slug)
    return Embed(
        _("Agenda: %(name)s") % {"name": project.title},
        reverse("actions:widget_agenda_project", args=[project.slug]),
        *AGENDA_SIZE,
    )
