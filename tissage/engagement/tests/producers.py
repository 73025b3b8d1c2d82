"""Helpers for the tests of the apps that produce events (actions, projects, collectives,
inventories): who follows what, and who was notified of what."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation

from tissage.core.tests.factories import UserFactory
from tissage.engagement.models import Event, Follow, Notification
from tissage.engagement.services import follow_set
from tissage.engagement.texts import event_text


def follower(target: models.Model, **fields: Any) -> Any:
    """A new person who follows `target` (by the button)."""
    user = UserFactory(**fields)
    follow_set(user=user, target=target, following=True)
    return user


def former_follower(target: models.Model) -> Any:
    """A new person who followed `target`, then stopped (the row stays, inactive)."""
    user = follower(target)
    follow_set(user=user, target=target, following=False)
    assert Follow.objects.filter(user=user, active=False).exists()
    return user


def notified(kind: str) -> set[Any]:
    """The people who have a notification of this kind."""
    return {n.user for n in Notification.objects.filter(kind=kind).select_related("user")}


def emailed_already(kind: str) -> set[Any]:
    """The people the app already emailed about the latest event of this kind (its own
    email: a promotion, a decision, the list's copy), whom the notification never emails
    a second time."""
    from tissage.accounts.models import User

    event = Event.objects.filter(kind=kind).latest("pk")
    return set(User.objects.filter(pk__in=event.emailed, notifications__event=event))


def the_event(kind: str) -> Event:
    return Event.objects.get(kind=kind)


def text(event: Event, language: str = "en") -> str:
    with translation.override(language):
        return event_text(event)
