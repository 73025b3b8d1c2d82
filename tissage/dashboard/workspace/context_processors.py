"""The header's "To deal with (n)" link (`_header_link.html`), from the cache only: no page pays
a query for it (queries.py says when the cache is filled)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property

from .access import AnyUser
from .queries import HeaderState, header_state


class WorkspaceLink:
    """Lazy: a page without the header does not even read the cache."""

    def __init__(self, user: AnyUser) -> None:
        self._user = user

    @cached_property
    def state(self) -> HeaderState:
        return header_state(self._user)


def workspace(request: HttpRequest) -> dict[str, object]:
    return {"workspace": WorkspaceLink(request.user)}
