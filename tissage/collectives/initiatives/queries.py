"""Reads of the initiatives: the list by status, and an initiative's team and latest
messages."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef

from ..access import AnyUser
from ..models import Collective, Initiative, InitiativeMember, Message

# The order the list shows them in: what needs people first, what is over last.
STATUS_ORDER = [
    Initiative.Status.IDEA,
    Initiative.Status.FORMING,
    Initiative.Status.ACTIVE,
    Initiative.Status.PAUSED,
    Initiative.Status.DONE,
]
LAST_MESSAGES = 5


def initiatives_by_status(collective: Collective, user: AnyUser) -> dict[str, list[Initiative]]:
    """Every initiative of the collective, in STATUS_ORDER, each with `member_count` and,
    for a signed-in person, `joined` (one query)."""
    initiatives = collective.initiatives.annotate(member_count=Count("members")).select_related(
        "commune"
    )
    if user.is_authenticated:
        initiatives = initiatives.annotate(
            joined=Exists(InitiativeMember.objects.filter(initiative=OuterRef("pk"), user=user))
        )
    by_status: dict[str, list[Initiative]] = {status: [] for status in STATUS_ORDER}
    for initiative in initiatives:
        initiative.collective = collective
        by_status[initiative.status].append(initiative)
    return by_status


def initiative_members(initiative: Initiative) -> list[InitiativeMember]:
    """Who said "j'en suis", by date."""
    return list(
        InitiativeMember.objects.filter(initiative=initiative)
        .select_related("user")
        .order_by("joined_at", "pk")
    )


def last_messages(initiative: Initiative) -> list[Message]:
    """The latest published messages of its discussion, oldest first."""
    if not initiative.thread_id:
        return []
    latest = (
        Message.objects.published()
        .filter(thread_id=initiative.thread_id)
        .order_by("-created_at", "-pk")[:LAST_MESSAGES]
    )
    return list(latest)[::-1]
