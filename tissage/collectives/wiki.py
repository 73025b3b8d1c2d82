"""Wiki pages and their revisions (helper "wiki" fills this in).

Every save makes a new numbered revision; a save based on an older revision than the
current one raises EditConflict instead of overwriting someone's work.
"""

from __future__ import annotations

from tissage.accounts.models import User

from .models import Collective, WikiPage, WikiRevision

HUB_TITLE = "Gare centrale"


class EditConflict(Exception):
    def __init__(self, current: WikiRevision) -> None:
        super().__init__("edit conflict")
        self.current = current


def page_create(
    *, collective: Collective, title: str, body: str, author: User | None, is_hub: bool = False
) -> WikiPage:
    raise NotImplementedError


def page_save(
    *, page: WikiPage, base_number: int, title: str, body: str, comment: str, author: User
) -> WikiRevision:
    raise NotImplementedError


def page_restore(*, page: WikiPage, number: int, author: User) -> WikiRevision:
    raise NotImplementedError
