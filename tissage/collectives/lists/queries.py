"""Reads of the discussion list: the archive, a thread's messages, who sees which message.

Visibility of messages (tissage/collectives/README.md, "Which messages a person sees"):
- everybody who may read the collective sees published messages;
- authors also see their own held messages (badged "waiting for a coordinator");
- moderators see every message, held and hidden ones badged.
"""

from __future__ import annotations

from django.db.models import BinaryField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from tissage.accounts.models import User

from ..access import AnyUser, CollectiveRights
from ..models import (
    Collective,
    InboundMail,
    Message,
    MessageQuerySet,
    Report,
    Thread,
    ThreadQuerySet,
    search_normalise,
)

THREADS_PER_PAGE = 25
MESSAGES_PER_PAGE = 50
SEARCH_WORDS_MAX = 8


def search_words(query: str) -> list[str]:
    """The words of a search box, at most a few (each one is a condition)."""
    return [word for word in query.split() if word][:SEARCH_WORDS_MAX]


def archive_threads(collective: Collective, query: str = "") -> ThreadQuerySet:
    """Threads with at least one published message, latest activity first; with a search,
    those whose subject or a published message contains every word (one query)."""
    threads = (
        Thread.objects.visible()
        .filter(collective=collective)
        .select_related("started_by")
        .order_by("-last_message_at", "-id")
    )
    for word in search_words(query):
        # Compared without case or accents on columns normalised at write time: no
        # UPPER() on every row (PostgreSQL spent 1.8 s there at 100,000 messages). A
        # correlated EXISTS stops at a thread's first matching message.
        plain = search_normalise(word)
        in_body = Message.objects.published().filter(
            thread_id=OuterRef("pk"), body_search__contains=plain
        )
        threads = threads.filter(Q(subject_search__contains=plain) | Exists(in_body))
    return threads


def visible_messages(user: AnyUser, rights: CollectiveRights, prefix: str = "") -> Q:
    """Condition on Message (or on a relation to it, with `prefix` such as "message__"):
    what this person may see, given their rights in the message's collective."""
    if rights.can_moderate:
        return Q()
    visible = Q(**{f"{prefix}status": Message.Status.PUBLISHED})
    if isinstance(user, User):
        visible |= Q(**{f"{prefix}status": Message.Status.HELD, f"{prefix}author_id": user.pk})
    return visible


def thread_messages(thread: Thread, user: AnyUser, rights: CollectiveRights) -> MessageQuerySet:
    """A thread's messages this person sees, in order, with their attachments."""
    return (
        Message.objects.filter(thread=thread)
        .filter(visible_messages(user, rights))
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def reply_parent(thread: Thread, parent_id: int | str | None) -> Message | None:
    """The message a reply answers: only a published message of the same thread."""
    if parent_id is None or not str(parent_id).isdecimal():
        return None
    return Message.objects.published().filter(thread=thread, pk=int(parent_id)).first()


def message_page_number(message: Message, user: AnyUser, rights: CollectiveRights) -> int:
    """The page of its thread on which a message is shown."""
    before = (
        Message.objects.filter(thread_id=message.thread_id)
        .filter(visible_messages(user, rights))
        .filter(
            Q(created_at__lt=message.created_at)
            | Q(created_at=message.created_at, pk__lt=message.pk)
        )
        .count()
    )
    return before // MESSAGES_PER_PAGE + 1


def held_messages(collective: Collective) -> MessageQuerySet:
    return (
        Message.objects.filter(collective=collective, status=Message.Status.HELD)
        .select_related("thread")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


# What the moderation page reads of each held email: enough for its text, not the
# whole message (up to LIST_MAX_MESSAGE_BYTES each, sent by anyone).
HELD_MAIL_PREVIEW_BYTES = 64 * 1024


def waiting_mails(collective: Collective) -> QuerySet[InboundMail]:
    """Held emails that are not messages yet: a member's held first post by email is a
    held message, counted and listed once, with the held messages."""
    return InboundMail.objects.filter(
        collective=collective, status=InboundMail.Status.HELD, message__isnull=True
    )


def held_mails(collective: Collective) -> QuerySet[InboundMail]:
    """The waiting emails, each with `raw_head`: its first bytes."""
    return (
        waiting_mails(collective)
        .defer("raw")
        .annotate(raw_head=Substr("raw", 1, HELD_MAIL_PREVIEW_BYTES, output_field=BinaryField()))
        .order_by("received_at", "pk")
    )


def open_reports(collective: Collective) -> QuerySet[Report]:
    return (
        Report.objects.filter(message__collective=collective, resolved_at=None)
        .select_related("message", "message__thread", "reporter")
        .order_by("created_at", "pk")
    )
