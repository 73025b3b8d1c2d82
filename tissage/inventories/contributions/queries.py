"""Reads of a person's contributions: their part of "Mon espace"."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from tissage.accounts.models import User
from tissage.core.registry import MySpacePart

from ..models import Contribution, ContributionEvent

# The newest items first; a person with more finds them all on the campaigns' pages.
MY_SPACE_ITEMS = 50


def my_space(user: User) -> MySpacePart | None:
    """My contributions with their status, the moderators' last word on each (why it was
    refused, what they ask), and those that wait for my answer. Two queries."""
    last_word = (
        ContributionEvent.objects.filter(
            contribution=OuterRef("pk"), kind=ContributionEvent.Kind.DECIDED
        )
        .exclude(message="")
        .order_by("-created_at", "-pk")
        .values("message")[:1]
    )
    items = list(
        Contribution.objects.filter(contributor=user, merged_into__isnull=True)
        .select_related("campaign")
        .annotate(last_word=Subquery(last_word))
        .order_by("-created_at", "-pk")[:MY_SPACE_ITEMS]
    )
    if not items:
        return None
    waiting = [item for item in items if item.status == Contribution.Status.NEEDS_INFO]
    return MySpacePart(
        template="inventories/contributions/_my_space.html",
        context={"items": items, "to_answer": waiting},
        waiting=len(waiting),
    )
