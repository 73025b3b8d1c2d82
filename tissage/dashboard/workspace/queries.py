"""The workspace read for one person: each app's items, grouped by module, and what the
header's "To deal with (n)" link knows of them, kept in Django's cache.

The header never reads the database: a page shows the link from the cache only, so that
no page pays for it. Two cached values per person, keyed by their id:

- whether they have a staff role anywhere, for a day: set when they sign in, and again
  whenever the header's fragment or the workspace page looks; a new role shows in the
  header after the next sign-in or within a day (the page itself checks every time);
- their total, for a minute: set by the workspace page and by the header's fragment
  (`workspace_link`), which a page whose cache lacks it asks for with HTMX. Without
  JavaScript the link shows without its count until the page is opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from tissage.accounts.models import User
from tissage.core.registry import WorkItem, workspace_items

from .access import AnyUser, is_staff_anywhere

STAFF_SECONDS = 24 * 60 * 60
TOTAL_SECONDS = 60


@dataclass(frozen=True)
class WorkGroup:
    name: str
    items: list[WorkItem]


def work_groups(items: list[WorkItem]) -> list[WorkGroup]:
    """Items by module, in the order the apps gave them."""
    groups: dict[str, list[WorkItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return [WorkGroup(name=name, items=group) for name, group in groups.items()]


def _staff_key(user: AnyUser) -> str:
    return f"dashboard:workspace-staff:{user.pk}"


def _total_key(user: AnyUser) -> str:
    return f"dashboard:workspace-total:{user.pk}"


@dataclass(frozen=True)
class HeaderState:
    """What the cache knows: `staff` None when not known yet, `total` None likewise."""

    staff: bool | None
    total: int | None


def header_state(user: AnyUser) -> HeaderState:
    """From the cache only (one cache read, no query)."""
    if not user.is_authenticated:
        return HeaderState(staff=False, total=None)
    found: dict[str, Any] = cache.get_many([_staff_key(user), _total_key(user)])
    staff = found.get(_staff_key(user))
    total = found.get(_total_key(user)) if staff else None
    return HeaderState(staff=staff, total=total)


def staff_remember(user: AnyUser) -> bool:
    """Whether the person has a staff role anywhere, checked now and kept a day."""
    staff = is_staff_anywhere(user)
    if user.is_authenticated:
        cache.set(_staff_key(user), staff, STAFF_SECONDS)
    return staff


def total_remember(user: User, items: list[WorkItem]) -> int:
    total = sum(item.count for item in items)
    cache.set(_staff_key(user), True, STAFF_SECONDS)
    cache.set(_total_key(user), total, TOTAL_SECONDS)
    return total


def header_state_fresh(user: AnyUser) -> HeaderState:
    """What the header shows, read now where the cache lacks it (the fragment)."""
    state = header_state(user)
    staff = state.staff if state.staff is not None else staff_remember(user)
    if not staff or state.total is not None:
        return HeaderState(staff=staff, total=state.total)
    assert isinstance(user, User)
    return HeaderState(staff=True, total=total_remember(user, workspace_items(user)))
