"""The workspace read for one person: each app's items, grouped by module, and the total
the header shows (kept in Django's cache for a minute)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from tissage.accounts.models import User
from tissage.core.registry import WorkItem, workspace_items

from .access import AnyUser, is_staff_anywhere

# The header's count may lag by this much: the page itself is always read afresh (and
# refreshes the count), and nothing a visitor does waits on it.
TOTAL_SECONDS = 60
_NOT_STAFF = -1


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


def _total_key(user: AnyUser) -> str:
    return f"dashboard:workspace-total:{user.pk}"


def total_remember(user: User, items: list[WorkItem]) -> int:
    total = sum(item.count for item in items)
    cache.set(_total_key(user), total, TOTAL_SECONDS)
    return total


def workspace_total(user: AnyUser) -> int | None:
    """What waits for the person in all (None: no staff role, no workspace). From the
    cache when it was read in the last minute, the "no staff role" answer included: a
    person without a role costs one query a minute, a page of ours none."""
    if not user.is_authenticated:
        return None
    cached = cache.get(_total_key(user))
    if cached is not None:
        return None if cached == _NOT_STAFF else int(cached)
    assert isinstance(user, User)
    if not is_staff_anywhere(user):
        cache.set(_total_key(user), _NOT_STAFF, TOTAL_SECONDS)
        return None
    return total_remember(user, workspace_items(user))
