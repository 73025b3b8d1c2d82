"""The header's "À traiter (n)" link: read only when a page's header shows it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property

from .access import AnyUser
from .queries import workspace_total


class WorkspaceLink:
    """Lazy: a fragment or a page without the header never reads the count."""

    def __init__(self, user: AnyUser) -> None:
        self._user = user

    @cached_property
    def total(self) -> int | None:
        return workspace_total(self._user)


def workspace(request: HttpRequest) -> dict[str, object]:
    return {"workspace": WorkspaceLink(request.user)}
