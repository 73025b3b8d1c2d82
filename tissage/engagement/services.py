"""Following, and notifying: the writes of the engagement app.

Other apps call `follow_set` (the follow button), `follow_auto` (someone took part) and
`notify` (something happened). `notify` stores the event and queues its fan-out: the
request that caused it does not wait for ten thousand followers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from tissage.core.queue import task_enqueue

from .delivery import emails_at_once
from .kinds import KINDS, Delivery
from .models import DeliverySetting, Digest, Event, Follow, Notification

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
    # One statement (INSERT … ON CONFLICT DO NOTHING), where get_or_create takes a read,
    # a savepoint and an insert: a row already there, followed or left, stays as it is.
    Follow.objects.bulk_create(
        [
            Follow(
                user=user,
                target_type=ContentType.objects.get_for_model(target),
                target_id=target.pk,
                automatic=True,
            )
        ],
        ignore_conflicts=True,
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
    task_enqueue(event_fan_out, event.pk)
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


def deliveries_choose(*, user: Any, choices: Mapping[str, str]) -> None:
    """Save how the person wants each kind in `choices` delivered. A choice equal to the
    kind's default is stored as no row (the default then applies, as for everyone who
    never chose). What waits to be emailed (in no digest yet) follows the new choice,
    except towards "at once", which applies from the next notification: what waited
    still comes in the digest it was waiting for."""
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in KINDS or delivery not in Delivery.values:
                raise ValueError(f"Unknown kind or delivery: {kind}, {delivery}")
            if delivery == KINDS[kind].default_delivery:
                DeliverySetting.objects.filter(user=user, kind=kind).delete()
            else:
                DeliverySetting.objects.update_or_create(
                    user=user, kind=kind, defaults={"delivery": delivery}
                )
            if delivery != Delivery.IMMEDIATE:
                Notification.objects.filter(
                    user=user, kind=kind, emailed_at__isnull=True, digest__isnull=True
                ).exclude(delivery=delivery).update(delivery=delivery)


def emails_stop(*, user: Any, kind: str | None) -> None:
    """One-click unsubscribe: `kind` (or every kind, for None) on the site only."""
    kinds = [kind] if kind is not None else list(KINDS)
    deliveries_choose(user=user, choices=dict.fromkeys(kinds, Delivery.SITE))


# Read notifications are kept this long, then forgotten (`tissage purge`).
READ_NOTIFICATION_RETENTION = timedelta(days=180)
# An event with no notification left is kept a day: its fan-out may still be queued.
EVENT_FAN_OUT_GRACE = timedelta(days=1)


def notifications_purge() -> int:
    """Forget read notifications older than 180 days, then the events (and digests) no
    notification refers to any more. Returns how many rows went."""
    now = timezone.now()
    removed, _per_model = Notification.objects.filter(
        read_at__isnull=False, created_at__lt=now - READ_NOTIFICATION_RETENTION
    ).delete()
    events, _per_model = Event.objects.filter(
        created_at__lt=now - EVENT_FAN_OUT_GRACE, notifications__isnull=True
    ).delete()
    digests, _per_model = Digest.objects.filter(
        created_at__lt=now - READ_NOTIFICATION_RETENTION, notifications__isnull=True
    ).delete()
    return removed + events + digests
