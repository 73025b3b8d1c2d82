"""Events and notifications for the engagement tests, made without the producers."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from tissage.core.tests.factories import UserFactory
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event, Follow, Notification
from tissage.engagement.services import event_fan_out_now, notify

PARAMS: dict[str, dict[str, Any]] = {
    Kind.ACTION_NEW: {
        "title": "Plantation de haies",
        "starts_at": "2026-03-14T09:00:00+01:00",
        "commune": "Crest",
        "project": "Haies du Diois",
    },
    Kind.NEWS_POST: {"title": "Bilan de l'hiver", "project": "Haies du Diois"},
    Kind.INITIATIVE_NEW: {"title": "Un four à pain", "collective": "CLAC"},
    Kind.CAMPAIGN_MILESTONE: {"campaign": "Lavoirs", "count": 100},
    Kind.CONTRIBUTION_DECIDED: {
        "title": "Lavoir du pont",
        "campaign": "Lavoirs",
        "status": "published",
        "reason": "",
    },
    Kind.REPLY: {"author_name": "Camille", "subject": "Covoiturage"},
    Kind.PLACE_FREED: {"title": "Plantation", "starts_at": "2026-03-14T09:00:00+01:00"},
}


def follow(user: Any, target: models.Model, *, active: bool = True) -> Follow:
    return Follow.objects.create(
        user=user,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        active=active,
    )


def fan_out(kind: str = Kind.ACTION_NEW, *, url: str = "/actions/plantation/", **kwargs: Any):
    """notify() then its fan-out, as the worker runs it (emails queued, not delivered)."""
    event = notify(kind=kind, url=url, params=PARAMS[kind], **kwargs)
    event_fan_out_now(event)
    return event


def notifications_at(
    when: datetime.datetime,
    users: list[Any],
    *,
    kind: str = Kind.ACTION_NEW,
    delivery: str = "daily",
    count: int = 1,
) -> list[Event]:
    """`count` events of `kind` at `when`, each with a notification for every one of
    `users`, bulk-made (the digest tests' data)."""
    events = Event.objects.bulk_create(
        [
            Event(kind=kind, url=f"/actions/a{n}/", params=PARAMS[kind], created_at=when)
            for n in range(count)
        ]
    )
    Notification.objects.bulk_create(
        [
            Notification(user=user, event=event, kind=kind, delivery=delivery, created_at=when)
            for event in events
            for user in users
        ]
    )
    return events


def people(count: int, **kwargs: Any) -> list[Any]:
    return UserFactory.create_batch(count, **kwargs)


def paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_default_timezone())  # type: ignore[misc]
