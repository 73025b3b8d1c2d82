"""Reads of the actions' widgets: the next actions of a project or of a commune, with
their places left, as the agenda shows them to anyone."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from tissage.actions.agenda.queries import upcoming_for
from tissage.actions.models import Action, ActionQuerySet
from tissage.actions.registration.queries import places_left_of

# An agenda widget lists this many actions, then links to the whole agenda.
AGENDA_LIMIT = 8


@dataclass(frozen=True)
class AgendaLine:
    action: Action
    places_left: int


def public_upcoming() -> ActionQuerySet:
    """The agenda's actions as anyone sees them (published, of public projects, not over),
    with what a line shows."""
    return (
        upcoming_for(AnonymousUser())
        .select_related("commune")
        .only("slug", "title", "kind", "starts_at", "ends_at", "capacity", "commune__name")
    )


def agenda_lines(actions: ActionQuerySet) -> list[AgendaLine]:
    """The first `AGENDA_LIMIT` actions with their places left: three queries, whatever
    the number of actions."""
    first = list(actions[:AGENDA_LIMIT])
    left = places_left_of(first)
    return [AgendaLine(action, left.get(action.pk, 0)) for action in first]
