"""Reads of the agenda and the feeds: the actions a person may find there."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max
from django.utils import timezone

from tissage.actions.models import Action, ActionQuerySet
from tissage.core.feeds import Version
from tissage.projects.access import AnyUser, projects_visible_to

# Feeds keep recent actions a while, so that a cancellation reaches the calendars
# that already hold the event.
FEED_PAST = datetime.timedelta(days=30)


def upcoming_for(user: AnyUser) -> ActionQuerySet:
    """Published actions not over yet, of the projects the person sees, in order."""
    return (
        Action.objects.published()
        .upcoming()
        .filter(project__in=projects_visible_to(user).values("pk"))
    )


def announced_for(user: AnyUser) -> ActionQuerySet:
    """Published and cancelled actions of the projects the person sees: what the feeds and
    the open API give, a cancellation included, so that whoever holds the action learns
    of it."""
    return Action.objects.filter(
        status__in=[Action.Status.PUBLISHED, Action.Status.CANCELLED],
        project__in=projects_visible_to(user).values("pk"),
    )


def feed_actions_for(user: AnyUser) -> ActionQuerySet:
    """Published and cancelled actions of the projects the person sees, from a month ago."""
    return (
        announced_for(user)
        .filter(ends_at__gte=timezone.now() - FEED_PAST)
        .order_by("starts_at", "pk")
    )


def feed_version(actions: ActionQuerySet, *, name: str) -> Version:
    """What a calendar feed holds, in one query: how many actions and their latest change
    (an edit, a cancellation), with the calendar's name."""
    found = actions.order_by().aggregate(count=Count("pk"), latest=Max("updated_at"))
    return Version(parts=("actions", name, *found.values()), last_modified=found["latest"])
