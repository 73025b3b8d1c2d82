"""A thread's row in the archive (the list and its search results) and a message of a
thread, rendered once per state and kept (core.cards): each key holds everything the row
or the message shows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from tissage.core.cards import rendered_cards

from ..models import Collective, Message, Thread

TEMPLATE = "collectives/lists/_thread_row.html"
MESSAGE_TEMPLATE = "collectives/lists/_message.html"


@dataclass(frozen=True)
class MessageRow:
    """A message of a thread's page and what the visitor may do with it."""

    message: Message  # read with its attachments
    can_reply: bool
    can_report: bool


def thread_rows(collective: Collective, threads: Sequence[Thread]) -> list[SafeString]:
    """The rows of `threads` (read with their `started_by`), in order."""

    def shown(thread: Thread) -> Hashable:
        return (
            collective.slug,
            thread.pk,
            thread.subject,
            thread.started_by.public_name if thread.started_by else None,
            thread.published_count,
            thread.last_message_at,
        )

    return rendered_cards(
        TEMPLATE, threads, shown, lambda thread: {"thread": thread, "collective": collective}
    )


def message_cards(
    request: HttpRequest,
    collective: Collective,
    thread: Thread,
    rows: Sequence[MessageRow],
    *,
    can_moderate: bool,
) -> list[SafeString]:
    """The messages of a thread's page, in order. A coordinator's are rendered for them
    each time: their forms (approve, hide, show) carry the person's CSRF token."""

    def context(row: MessageRow) -> dict[str, object]:
        return {
            "message": row.message,
            "row": row,
            "collective": collective,
            "thread": thread,
            "can_moderate": can_moderate,
        }

    if can_moderate:
        template = get_template(MESSAGE_TEMPLATE)
        # Rendered by the template engine, which escapes.
        return [mark_safe(template.render(context(row), request)) for row in rows]  # noqa: S308

    def shown(row: MessageRow) -> Hashable:
        message = row.message
        return (
            collective.slug,
            thread.pk,
            message.pk,
            message.author_name,
            message.created_at,
            message.source,
            message.status,
            message.body,
            tuple(
                (file.pk, file.filename, file.content_type, file.size)
                for file in message.attachments.all()
            ),
            row.can_reply,
            row.can_report,
        )

    return rendered_cards(MESSAGE_TEMPLATE, rows, shown, context)
