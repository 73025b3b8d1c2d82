"""A thread's row in the archive (the list and its search results), rendered once per
state and kept (core.cards): its key holds everything the row shows."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from django.utils.safestring import SafeString

from tissage.core.cards import rendered_cards

from ..models import Collective, Thread

TEMPLATE = "collectives/lists/_thread_row.html"


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
