"""Reads of the agenda and the feeds: the actions a person may find there."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import F, Max, Q
from django.db.models.lookups import In
from django.utils import timezone

from tissage.actions.models import Action, ActionQuerySet
from tissage.core.feeds import Version
from tissage.core.indexes import Unindexed
from tissage.projects.access import AnyUser, projects_visible_to

_T = TypeVar("_T")

# Feeds keep recent actions a while, so that a cancellation reaches the calendars
# that already hold the event.
FEED_PAST = datetime.timedelta(days=30)
# What a calendar feed holds at most (docs/decisions.md, "Calendar feeds: a window"): the
# nearest actions to come and the latest of the past month. A calendar app shows what
# the feed holds and drops what leaves it; a year of a weekly work-day is 52 events, a
# busy platform's feed keeps its next weeks. Bounded, so that a feed costs the same
# whatever the number of actions.
FEED_UPCOMING_EVENTS = 200
FEED_PAST_EVENTS = 50


# How long the agenda's shared parts (the filters' choices, the counts) are kept for
# anonymous visitors when no action changes: they also move as actions end.
AGENDA_SHARED_SECONDS = 60


class AgendaShared:
    """What the agenda shows every anonymous visitor alike and costs a read of every
    action to come — the projects and communes of the filters, the number of actions
    for each choice of filters —, kept a minute in Django's cache under the latest
    change of any action (`actions_changed_at`, one row): a publication, an edit or a
    cancellation shows at once; an action that ends leaves the counts within the minute.
    A signed-in person sees their own projects' actions too: computed for them."""

    def __init__(self, user: AnyUser) -> None:
        self.version = None if user.is_authenticated else actions_changed_at()
        self.shared = not user.is_authenticated

    def get(self, name: str, compute: Callable[[], _T]) -> _T:
        if not self.shared:
            return compute()
        stamp = self.version.isoformat() if self.version else "none"
        key = "agenda:" + hashlib.sha256(f"{name}:{stamp}".encode()).hexdigest()
        found: _T | None = cache.get(key)
        if found is None:
            found = compute()
            cache.set(key, found, AGENDA_SHARED_SECONDS)
        return found


def upcoming_for(user: AnyUser) -> ActionQuerySet:
    """Published actions not over yet, of the projects the person sees, in order."""
    return (
        Action.objects.published()
        .upcoming()
        .filter(project__in=projects_visible_to(user).values("pk"))
    )


def announced_for(user: AnyUser, *, in_start_order: bool = False) -> ActionQuerySet:
    """Published and cancelled actions of the projects the person sees: what the feeds and
    the open API give, a cancellation included, so that whoever holds the action learns
    of it.

    `in_start_order`: they will be read by start (the open API's list), through
    `action_start_order_idx`. The status and the project are then written so that SQLite
    walks no index on them (`Unindexed`): without statistics, as a SQLite installation
    has them, its planner took the index of either and sorted every announced action
    (7 ms at 10,000 actions, growing with them)."""
    column = Unindexed if in_start_order else F
    return Action.objects.filter(
        In(column("status"), [Action.Status.PUBLISHED, Action.Status.CANCELLED]),
        In(column("project_id"), projects_visible_to(user).order_by().values("pk")),
    )


def feed_actions_for(user: AnyUser) -> ActionQuerySet:
    """Published and cancelled actions of the projects the person sees, from a month ago."""
    return (
        announced_for(user)
        .filter(ends_at__gte=timezone.now() - FEED_PAST)
        .order_by("starts_at", "pk")
    )


def feed_window(actions: ActionQuerySet) -> ActionQuerySet:
    """The actions a calendar feed holds, among `actions` (of `feed_actions_for`, maybe
    filtered): the nearest `FEED_UPCOMING_EVENTS` not over yet and the latest
    `FEED_PAST_EVENTS` of the past month, in order of start."""
    now = timezone.now()
    upcoming = actions.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = actions.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    return Action.objects.filter(
        Q(pk__in=upcoming.values("pk")[:FEED_UPCOMING_EVENTS])
        | Q(pk__in=past.values("pk")[:FEED_PAST_EVENTS])
    ).order_by("starts_at", "pk")


def actions_changed_at() -> datetime.datetime | None:
    """When an action last changed, any action (a save, a publication, a cancellation):
    one row read through the index on `updated_at`, whatever the number of actions. What
    the agenda's shared parts and the feeds' versions follow."""
    latest: datetime.datetime | None = Action.objects.aggregate(latest=Max("updated_at"))["latest"]
    return latest


def feed_version(*, name: str) -> Version:
    """What a calendar feed holds, in one cheap query: the latest change of any action
    (so no count over the feed's actions, which would grow with them), with the
    calendar's name and the hour (the window moves as actions end: an hour late at
    most)."""
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    latest = actions_changed_at()
    return Version(
        parts=("actions", name, latest, hour),
        last_modified=max(latest, hour) if latest else None,
    )
