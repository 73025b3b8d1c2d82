"""The actions' widgets, shown in other websites' frames (core.widgets): the agenda of a
project or of a commune, and an action's card with its register button; and the pages
where facilitators get their code ("Embed on a website")."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tissage.actions import access, lookups
from tissage.actions.models import Action
from tissage.actions.registration.queries import places_left_of
from tissage.core.widgets import Embed, WidgetChoice, embed_page, widget_render, widget_view
from tissage.projects import lookups as project_lookups
from tissage.projects.access import can_view_project
from tissage.territories.models import Commune

from . import queries

AGENDA_SIZE = (600, 480)
ACTION_SIZE = (400, 340)


def _commune(insee: str) -> Commune:
    return get_object_or_404(Commune.objects.only("insee_code", "name"), insee_code=insee)


@require_GET
@widget_view
def agenda_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_lookups.get_project(request, slug)
    lines = queries.agenda_lines(queries.public_upcoming().filter(project=project))
    return widget_render(
        request,
        "actions/widgets/agenda.html",
        {
            "heading": _("Agenda: %(project)s") % {"project": project.title},
            "lines": lines,
            "agenda_url": reverse("actions:agenda") + "?" + urlencode({"project": project.slug}),
        },
    )


@require_GET
@widget_view
def agenda_commune(request: HttpRequest, insee: str) -> HttpResponse:
    commune = _commune(insee)
    lines = queries.agenda_lines(queries.public_upcoming().filter(commune=commune))
    return widget_render(
        request,
        "actions/widgets/agenda.html",
        {
            "heading": _("Agenda: %(commune)s") % {"commune": commune.name},
            "lines": lines,
            "agenda_url": reverse("actions:agenda") + "?" + urlencode({"commune": insee}),
        },
    )


@require_GET
@widget_view
def action_card(request: HttpRequest, slug: str) -> HttpResponse:
    """An action and its register button: a link to the action's page, where the form
    is (a form inside another site's frame would need third-party cookies)."""
    action, rights = lookups.get_action(request, slug)
    left = places_left_of([action])[action.pk]
    return widget_render(
        request,
        "actions/widgets/action.html",
        {"action": action, "rights": rights, "places_left": left},
    )


# --- "Embed on a website" -------------------------------------------------------------


@require_GET
def embed_action(request: HttpRequest, slug: str) -> HttpResponse:
    action, _rights = lookups.get_action(request, slug)
    public = access.action_rights(AnonymousUser(), action).can_view
    return embed_page(
        request,
        subject=action.title,
        back_url=reverse("actions:detail", args=[action.slug]),
        available=public,
        choices=[_action_choice(action)],
    )


@require_GET
def embed_agenda_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_lookups.get_project(request, slug)
    return embed_page(
        request,
        subject=project.title,
        back_url=project.get_absolute_url(),
        available=can_view_project(AnonymousUser(), project),
        choices=[
            _agenda_choice(project.title, reverse("actions:widget_agenda_project", args=[slug]))
        ],
    )


@require_GET
def embed_agenda_commune(request: HttpRequest, insee: str) -> HttpResponse:
    commune = _commune(insee)
    return embed_page(
        request,
        subject=commune.name,
        back_url=reverse("actions:agenda") + "?" + urlencode({"commune": insee}),
        choices=[
            _agenda_choice(commune.name, reverse("actions:widget_agenda_commune", args=[insee]))
        ],
    )


def agenda_frame(name: str, path: str) -> Embed:
    return Embed(_("Agenda: %(name)s") % {"name": name}, path, *AGENDA_SIZE)


def action_frame(action: Action) -> Embed:
    return Embed(action.title, reverse("actions:widget_action", args=[action.slug]), *ACTION_SIZE)


def _agenda_choice(name: str, path: str) -> WidgetChoice:
    return WidgetChoice(_("The agenda of the next actions"), agenda_frame(name, path))


def _action_choice(action: Action) -> WidgetChoice:
    return WidgetChoice(_("The action and its register button"), action_frame(action))
