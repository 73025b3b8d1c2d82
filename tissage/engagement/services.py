"""Following, and notifying: the writes of the engagement app.

Other apps call `follow_set` (the follow button), `follow_auto` (someone took part) and
`notify` (something happened). `notify` stores the event and queues its fan-out: the
request that caused it does not wait for ten thousand followers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from .delivery import emails_at_once
from .kinds import KINDS
from .models import DeliverySetting, Event, Follow, Notification

BATCH = 1000


def follow_set(*, user: Any, target: models.Model, following: bool) -> Follow | None:
    """The follow button: follow `target`, or stop following it (the row stays, inactive,
    so that taking part again does not follow it again). Idempotent."""
    target_type = ContentType.objects.get_for_model(target)
    if following:
        follow, _created = Follow.objects.update_or_create(
            user=user,
            target_type=target_type,
            target_id=target.pk,
            defaults={"active": True},
        )
        return follow
    Follow.objects.filter(user=user, target_type=target_type, target_id=target.pk).update(
        active=False
    )
    return None


def follow_auto(*, user: Any, target: models.Model) -> None:
    """The person took part in `target` (contributed, registered, joined): they follow
    it, unless they once chose to stop following it. Idempotent."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    Follow.objects.get_or_create(
        user=user,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        defaults={"automatic": True},
    )


def is_following(*, user: Any, target: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.active().of(target).filter(user=user).exists()


def notify(
    *,
    kind: str,
    url: str,
    params: dict[str, Any],
    targets: Iterable[models.Model] = (),
    users: Iterable[Any] = (),
    actor: Any = None,
    emailed: Iterable[Any] = (),
) -> Event:
    """Something happened: the followers of any of `targets` and the people in `users`
    (whom it concerns themselves) are notified, never `actor` (who did it). Those in
    `emailed` were already emailed about it by the calling app: no second email.

    `url` is the path of the page it is about; `params` what the kind's text needs, as
    plain JSON values (names, dates already as ISO text). The fan-out runs in the worker
    once the caller's transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notification kind: {kind}")
    event = Event.objects.create(
        kind=kind,
        url=url,
        params=params,
        targets=[[ContentType.objects.get_for_model(target).pk, target.pk] for target in targets],
        direct=sorted({user.pk for user in users if user is not None}),
        emailed=sorted({user.pk for user in emailed if user is not None}),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: event_fan_out.enqueue(event.pk))
    return event


def recipients(event: Event) -> list[int]:
    """Ids of the people `event` notifies: whom it concerns, and the active followers of
    what it concerns, once each, without its actor."""
    ids = set(event.direct)
    if event.targets:
        where = Q()
        for type_id, target_id in event.targets:
            where |= Q(target_type_id=type_id, target_id=target_id)
        ids.update(
            Follow.objects.active().filter(where).values_list("user_id", flat=True).distinct()
        )
    ids.discard(event.actor_id)
    return sorted(ids)


def _deliveries(kind: str, user_ids: Sequence[int]) -> dict[int, str]:
    default = KINDS[kind].default_delivery
    chosen: dict[int, str] = {}
    for start in range(0, len(user_ids), BATCH):
        chosen.update(
            DeliverySetting.objects.filter(
                kind=kind, user_id__in=user_ids[start : start + BATCH]
            ).values_list("user_id", "delivery")
        )
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def event_fan_out_now(event: Event) -> int:
    """Give every recipient their notification (idempotent: running it again adds no
    second copy), then email at once those who want it so. Returns how many were added."""
    user_ids = recipients(event)
    deliveries = _deliveries(event.kind, user_ids)
    already = set(event.emailed)
    rows = [
        Notification(
            user_id=user_id,
            event=event,
            kind=event.kind,
            delivery=deliveries[user_id],
            created_at=event.created_at,
            emailed_at=event.created_at if user_id in already else None,
        )
        for user_id in user_ids
    ]
    added = 0
    for start in range(0, len(rows), BATCH):
        added += len(
            Notification.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
        )
    emails_at_once(event)
    Event.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now())
    return added


@task()
def event_fan_out(event_id: int) -> None:
    event = Event.objects.filter(pk=event_id).first()
    if event is not None:
        event_fan_out_now(event)
