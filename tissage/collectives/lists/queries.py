"""Reads of the discussion list: the archive, a thread's messages, who sees which message.

Visibility of messages (tissage/collectives/README.md, "Which messages a person sees"):
- everybody who may read the collective sees published messages;
- authors also see their own held messages (badged "waiting for a coordinator");
- moderators see every message, held and hidden ones badged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import BinaryField, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.indexes import Unindexed
from tissage.core.search import QUERY_MAX, SearchTerms, latest_matching, stop_words

from ..access import AnyUser, CollectiveRights
from ..models import (
    Collective,
    InboundMail,
    Message,
    MessageQuerySet,
    Report,
    Thread,
    ThreadQuerySet,
)

THREADS_PER_PAGE = 25
MESSAGES_PER_PAGE = 50
# The archive search reads, for each word, at most this many of the latest published
# messages holding it, and as many subjects: a word found in most messages costs what a
# rare one costs, whatever the archive's size. The page says so beside the results:
# telling whether a word went beyond would cost another query as long as the search.
SEARCH_LATEST = 1000
# Indexed by migration 0010 (core.search.search_vector_operations, search_index_operations).
MESSAGE_COLUMNS = ("body",)
MESSAGE_VECTOR = "search_vector"
THREAD_COLUMNS = ("subject",)


def _word_matches(
    collective: Collective, word: SearchTerms
) -> tuple[QuerySet[Thread], QuerySet[Message]]:
    """The collective's threads whose subject holds the word and its published messages
    that hold it, newest first."""
    subjects = latest_matching(Thread.objects.filter(collective=collective), THREAD_COLUMNS, word)
    messages = latest_matching(
        Message.objects.published().filter(collective=collective),
        MESSAGE_COLUMNS,
        word,
        vector_column=MESSAGE_VECTOR,
    )
    return subjects, messages


def archive_threads(collective: Collective, terms: SearchTerms | None = None) -> ThreadQuerySet:
    """Threads with at least one published message, latest activity first; with search
    terms, those in which every word is in the subject or in a published message (not
    necessarily the same one), among the SEARCH_LATEST latest of each (one query, on the
    full-text indexes of either database: core.search.latest_matching)."""
    threads = (
        Thread.objects.visible().select_related("started_by").order_by("-last_message_at", "-id")
    )
    if not terms:
        return threads.filter(collective=collective)
    # The matches (at most SEARCH_LATEST per word) name the threads: SQLite must not walk
    # the collective's every thread by its index and test each against them.
    threads = threads.filter(Exact(Unindexed("collective_id"), collective.pk))
    for word in terms.each():
        subjects, messages = _word_matches(collective, word)
        condition = Q(pk__in=subjects.values("pk")[:SEARCH_LATEST]) | Q(
            pk__in=messages.values("thread_id")[:SEARCH_LATEST]
        )
        # PostgreSQL ignores stop words ("des") within a query: so does a condition per
        # word, unless every word is one (then nothing is found, as in site search).
        if (ignored := stop_words(word)) is not None:
            condition |= ignored
        threads = threads.filter(condition)
    if (ignored := stop_words(terms)) is not None:
        threads = threads.exclude(ignored)
    return threads


@dataclass(frozen=True)
class ArchiveSearch:
    """The archive's threads for a search box (every thread when it is empty)."""

    query: str  # as read: spaces squeezed, at most QUERY_MAX characters
    threads: ThreadQuerySet
    problem: str = ""  # why nothing was searched, said to the visitor
    cut: bool = False  # words beyond the first few, or the end of a long query, were left out


def archive_search(collective: Collective, query: str) -> ArchiveSearch:
    """The search of the archive page: the same words as site search (core.search:
    letters and digits, two or more, at most 8), accents and capitals ignored."""
    query = " ".join(query.split())
    terms = SearchTerms.parse(query)
    shown = query[:QUERY_MAX]
    if not query:
        return ArchiveSearch(query="", threads=archive_threads(collective))
    if not terms.words:
        return ArchiveSearch(
            query=shown,
            threads=archive_threads(collective).none(),
            problem=_("Type at least one word of two letters or more."),
        )
    return ArchiveSearch(
        query=shown,
        threads=archive_threads(collective, terms),
        cut=terms.cut,
    )


def archive_page(search: ArchiveSearch, number: str | None) -> Page[Thread]:
    """Page `number` of the search's threads (each with its `started_by`). A search's
    matches are bounded (SEARCH_LATEST per word), so their ids are read once, counted
    and paged here, and the page's threads read by id: the search runs once, not once to
    count and again for the page."""
    if not search.query:  # every thread: counted by the database, one page read
        return Paginator(search.threads, THREADS_PER_PAGE).get_page(number)
    ids = list(search.threads.values_list("pk", flat=True))
    page = Paginator(ids, THREADS_PER_PAGE).get_page(number)
    found = Thread.objects.select_related("started_by").in_bulk(page.object_list)
    page.object_list = [found[pk] for pk in page.object_list if pk in found]  # type: ignore[misc]
    return page  # type: ignore[return-value]


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
