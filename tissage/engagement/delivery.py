"""Emails of notifications: at once, and the daily and weekly digests.

Every one is addressed to one person (never a list of addresses), in their language,
with RFC 8058 one-click unsubscribe headers and a link to their settings. Only
notifications not emailed yet (`emailed_at` null: the calling app did not email the
person itself) go out, each once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.core.emails import email_send, site_url

from . import tokens
from .kinds import KINDS, Delivery, kind_label
from .models import Digest, Event, Notification
from .texts import event_text

# Rows handled per transaction: bounded memory and lock time, whatever the count.
BATCH = 500
# Lines listed in one digest; beyond, "and N more" and a link to the centre.
DIGEST_LINES = 50
# Where the notification centre is (the `engagement:list` page).
CENTRE_URL_NAME = "engagement:list"


def absolute(path: str) -> str:
    return site_url() + path


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = tokens.unsubscribe_make(user_id=user_id, kind=kind)
    return absolute(reverse("engagement:unsubscribe", args=[token]))


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058: mail clients offer "unsubscribe" and POST to `url` themselves."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # Asks Exchange/Outlook not to answer with out-of-office replies.
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }


def _language(user: Any) -> str:
    return user.language or settings.LANGUAGE_CODE


class Texts:
    """Each event's sentence, rendered once per language for a whole run."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], str] = {}

    def __call__(self, event: Event, language: str) -> str:
        key = (event.pk, language)
        if key not in self._cache:
            with translation.override(language):
                self._cache[key] = event_text(event)
        return self._cache[key]


# --- at once ---------------------------------------------------------------------------


def emails_at_once(event: Event) -> None:
    """Email `event` to those of its recipients who want this kind at once, each once.

    In batches, each in a transaction that locks its rows (skipped by a second run at the
    same moment), queues one email per person and marks them emailed."""
    texts = Texts()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    event=event,
                    delivery=Delivery.IMMEDIATE,
                    emailed_at__isnull=True,
                    user__is_active=True,
                    pk__gt=last_pk,
                )
                .select_related("user")
                .order_by("pk")[:BATCH]
            )
            if not batch:
                return
            for notification in batch:
                _email_at_once(notification, event, texts)
            Notification.objects.filter(pk__in=[n.pk for n in batch]).update(
                emailed_at=timezone.now()
            )
            last_pk = batch[-1].pk


def _email_at_once(notification: Notification, event: Event, texts: Texts) -> None:
    user = notification.user
    language = _language(user)
    unsubscribe = unsubscribe_url(user.pk, event.kind)
    with translation.override(language):
        label = str(kind_label(event.kind))
        reason = _(
            "You receive this email because your settings on %(platform)s ask for an "
            "email at once for “%(kind)s”."
        ) % {"platform": settings.PLATFORM_NAME, "kind": label}
    email_send(
        to=user.email,
        template="emails/engagement/notification",
        context={
            "text": texts(event, language),
            "url": absolute(event.url),
            "kind_label": label,
            "settings_url": absolute(reverse("engagement:settings")),
            "unsubscribe_url": unsubscribe,
        },
        reason=reason,
        language=language,
        headers=unsubscribe_headers(unsubscribe),
    )


# --- digests ---------------------------------------------------------------------------

PERIODS = (Digest.Period.DAILY, Digest.Period.WEEKLY)


def period_start(period: str, now: datetime.datetime) -> datetime.datetime:
    """Start of the current `period` at `now`, in the platform's time zone (TIME_ZONE,
    Europe/Paris): today 00:00, or this week's Monday 00:00."""
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date()
    if period == Digest.Period.WEEKLY:
        day -= datetime.timedelta(days=day.weekday())
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def period_ended_on(period: str, now: datetime.datetime) -> tuple[datetime.date, datetime.datetime]:
    """(first day of the period that ended, its end): what a run at `now` sends."""
    cutoff = period_start(period, now)
    length = 7 if period == Digest.Period.WEEKLY else 1
    return cutoff.date() - datetime.timedelta(days=length), cutoff


def digests_send(*, period: str, now: datetime.datetime | None = None) -> int:
    """Send the digests of the `period` that ended before `now`: one email per person
    with notifications of that delivery created before its end and in no digest yet.
    Returns how many emails were queued.

    Idempotent and safe to run twice at once: the constraint "one Digest per person,
    period and start" is where each run claims a person (rows inserted ignoring
    conflicts, then locked and skipped by the other run until it commits), and a digest
    with its email is never sent again."""
    now = now or timezone.now()
    starts_on, cutoff = period_ended_on(period, now)
    user_ids = list(
        Notification.objects.filter(
            delivery=period,
            digest__isnull=True,
            emailed_at__isnull=True,
            created_at__lt=cutoff,
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    texts = Texts()
    sent = 0
    for start in range(0, len(user_ids), BATCH):
        sent += _digests_send_batch(
            user_ids[start : start + BATCH],
            period=period,
            starts_on=starts_on,
            cutoff=cutoff,
            texts=texts,
        )
    return sent


def _digests_send_batch(
    user_ids: Sequence[int],
    *,
    period: str,
    starts_on: datetime.date,
    cutoff: datetime.datetime,
    texts: Texts,
) -> int:
    with transaction.atomic():
        Digest.objects.bulk_create(
            [Digest(user_id=user_id, period=period, starts_on=starts_on) for user_id in user_ids],
            ignore_conflicts=True,
        )
        digests = {
            digest.pk: digest
            for digest in Digest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(user_id__in=user_ids, period=period, starts_on=starts_on, email__isnull=True)
            .select_related("user")
        }
        if not digests:
            return 0
        Notification.objects.filter(
            user_id__in=[digest.user_id for digest in digests.values()],
            delivery=period,
            digest__isnull=True,
            emailed_at__isnull=True,
            created_at__lt=cutoff,
        ).update(
            digest_id=Subquery(
                Digest.objects.filter(
                    user_id=OuterRef("user_id"), period=period, starts_on=starts_on
                ).values("pk")[:1]
            )
        )
        # What the person already read on the site is in the digest, not in its email.
        listed: dict[int, list[Notification]] = defaultdict(list)
        for notification in (
            Notification.objects.filter(digest_id__in=list(digests), read_at__isnull=True)
            .select_related("event")
            .order_by("digest_id", "-created_at", "-pk")
        ):
            listed[notification.digest_id].append(notification)  # type: ignore[index]
        sent = []
        for digest_id, notifications in listed.items():
            digest = digests[digest_id]
            digest.email = _digest_email(digest, notifications, texts)
            sent.append(digest)
        Digest.objects.bulk_update(sent, ["email"])
    return len(sent)


@dataclass
class DigestGroup:
    label: str
    items: list[dict[str, str]] = field(default_factory=list)


def digest_groups(
    notifications: Iterable[Notification], language: str, texts: Texts
) -> tuple[list[DigestGroup], int]:
    """The lines of a digest grouped by kind (in the order of `KINDS`), at most
    DIGEST_LINES in all, and how many were left out."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_kind[notification.kind].append(notification)
    groups: list[DigestGroup] = []
    shown = total = 0
    with translation.override(language):
        for kind in KINDS:
            rows = by_kind.get(kind, [])
            total += len(rows)
            room = DIGEST_LINES - shown
            if not rows or room <= 0:
                continue
            group = DigestGroup(label=str(kind_label(kind)))
            for notification in rows[:room]:
                group.items.append(
                    {
                        "text": texts(notification.event, language),
                        "url": absolute(notification.event.url),
                    }
                )
            shown += len(group.items)
            groups.append(group)
    return groups, total - shown


def _digest_email(digest: Digest, notifications: list[Notification], texts: Texts) -> Any:
    user = digest.user
    language = _language(user)
    groups, more = digest_groups(notifications, language, texts)
    count = len(notifications)
    unsubscribe = unsubscribe_url(user.pk, tokens.ALL_KINDS)
    with translation.override(language):
        date = formats.date_format(digest.starts_on, "j F Y")
        if digest.period == Digest.Period.WEEKLY:
            subject = ngettext(
                "Your week from %(date)s: %(count)s new notification",
                "Your week from %(date)s: %(count)s new notifications",
                count,
            )
            reason = _(
                "You receive this email because your notification settings on "
                "%(platform)s ask for a weekly digest."
            )
        else:
            subject = ngettext(
                "Your day of %(date)s: %(count)s new notification",
                "Your day of %(date)s: %(count)s new notifications",
                count,
            )
            reason = _(
                "You receive this email because your notification settings on "
                "%(platform)s ask for a daily digest."
            )
        subject = subject % {"date": date, "count": count}
        reason = reason % {"platform": settings.PLATFORM_NAME}
    return email_send(
        to=user.email,
        template="emails/engagement/digest",
        context={
            "groups": groups,
            "count": count,
            "more": more,
            "weekly": digest.period == Digest.Period.WEEKLY,
            "date": date,
            "centre_url": absolute(reverse(CENTRE_URL_NAME)),
            "settings_url": absolute(reverse("engagement:settings")),
            "unsubscribe_url": unsubscribe,
        },
        reason=reason,
        language=language,
        headers=unsubscribe_headers(unsubscribe),
        subject_override=f"[{settings.PLATFORM_NAME}] {subject}",
    )
