"""The consultations' part of "Mon espace": my proposals and remarks, with the official
answer each received (closing the loop: what became of what I said)."""

from __future__ import annotations

from tissage.accounts.models import User
from tissage.core.registry import MySpacePart

from ..models import Proposal

MY_SPACE_PROPOSALS = 10


def my_space(user: User) -> MySpacePart | None:
    """One query."""
    proposals = list(
        Proposal.objects.filter(author=user)
        .exclude(status=Proposal.Status.UNCONFIRMED)
        .select_related("consultation")
        .only(
            "pk",
            "title",
            "part",
            "status",
            "answer_status",
            "answered_at",
            "support_count",
            "consultation__title",
            "consultation__slug",
        )
        .order_by("-created_at", "-pk")[:MY_SPACE_PROPOSALS]
    )
    if not proposals:
        return None
    return MySpacePart(
        template="consultations/proposals/_my_space.html", context={"proposals": proposals}
    )
