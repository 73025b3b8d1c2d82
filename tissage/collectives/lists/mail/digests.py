"""The daily digest: one email a day with the messages of a collective, for the members
who chose it (delivery "digest"). Sent by `tissage send-digests`, which cron runs once
a day. Like each copy, a digest's envelope sender is the member's bounce address, and a
member whose delivery is suspended (bounces) gets none.

Each membership is claimed by a conditional UPDATE of `digest_sent_until` (only one of
two runs at the same moment can move it from the value both read), in the same
transaction as its email: a run never sends a message twice, and a failure leaves the
membership to the next run.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.collectives import tokens
from tissage.collectives.models import CollectiveMembership, Message, Thread
from tissage.core.emails import email_send, site_url
from tissage.core.markdown import markdown_links_absolute, render_markdown

from .outbound import (
    absolute,
    attachment_links,
    delivery_url,
    list_headers,
    platform_from,
    unsubscribe_url,
)

# A message published just before the run may belong to a transaction not committed yet:
# the cut-off stays a little in the past so that it goes into the next digest.
SETTLE = datetime.timedelta(minutes=1)
# A member back on digest after months on "each message" or "no email" does not get the
# whole backlog: the web archive has it.
LONGEST = datetime.timedelta(days=7)


@dataclass
class DigestThread:
    thread: Thread
    url: str
    messages: list[DigestMessage] = field(default_factory=list)


@dataclass
class DigestMessage:
    message: Message
    body_text: str
    body_html: SafeString
    url: str
    attachments: list[object]


def due_memberships() -> list[CollectiveMembership]:
    return list(
        CollectiveMembership.objects.receiving()
        .filter(delivery=CollectiveMembership.Delivery.DIGEST)
        .select_related("collective", "user")
        .order_by("collective_id", "pk")
    )


def digests_send(now: datetime.datetime | None = None) -> int:
    """Email every member on digest the messages since their last digest; returns how
    many emails were queued."""
    cutoff = now or timezone.now() - SETTLE
    return digests_send_to(due_memberships(), cutoff)


def digests_send_to(memberships: Iterable[CollectiveMembership], cutoff: datetime.datetime) -> int:
    rendered: dict[int, DigestMessage] = {}  # each message's HTML, made once per run
    sent = 0
    for membership in memberships:
        with transaction.atomic():
            claimed = (
                CollectiveMembership.objects.filter(
                    pk=membership.pk,
                    delivery=CollectiveMembership.Delivery.DIGEST,
                    status=CollectiveMembership.Status.ACTIVE,
                    delivery_suspended_at__isnull=True,
                )
                # IS NOT DISTINCT FROM the value read: NULL the first time.
                .filter(
                    **(
                        {"digest_sent_until": membership.digest_sent_until}
                        if membership.digest_sent_until
                        else {"digest_sent_until__isnull": True}
                    )
                )
                .update(digest_sent_until=cutoff)
            )
            if not claimed:
                continue  # another run took it, or the member changed their choice
            since = max(membership.digest_sent_until or membership.joined_at, cutoff - LONGEST)
            if since >= cutoff:
                continue
            messages = list(
                Message.objects.published()
                .filter(
                    collective_id=membership.collective_id,
                    published_at__gt=since,
                    published_at__lte=cutoff,
                )
                .exclude(author_id=membership.user_id)
                .select_related("thread__collective", "collective")
                .prefetch_related("attachments")
                .order_by("published_at", "pk")
            )
            if not messages:
                continue
            digest_send(membership=membership, messages=messages, cutoff=cutoff, cache=rendered)
            sent += 1
    return sent


def _digest_message(message: Message, cache: dict[int, DigestMessage]) -> DigestMessage:
    if message.pk not in cache:
        slug = message.collective.slug
        cache[message.pk] = DigestMessage(
            message=message,
            body_text=markdown_links_absolute(message.body, site_url()),
            body_html=render_markdown(message.body, line_breaks=True, base_url=site_url()),
            url=absolute(reverse("collectives:message", args=[slug, message.pk])),
            attachments=list(attachment_links(message)),
        )
    return cache[message.pk]


def digest_send(
    *,
    membership: CollectiveMembership,
    messages: list[Message],
    cutoff: datetime.datetime,
    cache: dict[int, DigestMessage],
) -> None:
    collective = membership.collective
    threads: dict[int, DigestThread] = {}
    for message in messages:
        if message.thread_id not in threads:
            threads[message.thread_id] = DigestThread(
                thread=message.thread, url=absolute(message.thread.get_absolute_url())
            )
        threads[message.thread_id].messages.append(_digest_message(message, cache))
    user = membership.user
    language = user.language or settings.LANGUAGE_CODE
    unsubscribe = unsubscribe_url(membership)
    with translation.override(language):
        date = formats.date_format(timezone.localtime(cutoff), "j F Y")
        count = len(messages)
        subject = ngettext(
            "[%(collective)s] Digest of %(date)s: %(count)s message",
            "[%(collective)s] Digest of %(date)s: %(count)s messages",
            count,
        ) % {"collective": collective.name, "date": date, "count": count}
        reason = _(
            "You receive this email because you are a member of %(collective)s and chose "
            "to receive its discussion list as a daily digest."
        ) % {"collective": collective.name}
        sender = platform_from(collective.name)
    email_send(
        to=user.email,
        template="emails/collectives/lists/mail/digest",
        context={
            "collective": collective,
            "threads": list(threads.values()),
            "count": count,
            "date": date,
            "archive_url": absolute(reverse("collectives:threads", args=[collective.slug])),
            "delivery_url": delivery_url(collective),
            "unsubscribe_url": unsubscribe,
        },
        reason=reason,
        language=language,
        headers={"From": sender, **list_headers(collective, unsubscribe)},
        subject_override=subject,
        envelope_from=tokens.bounce_address(collective, membership),
    )
