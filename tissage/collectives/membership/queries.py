"""Reads of membership: the members page's lists, and why a member's delivery stopped."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from tissage.accounts.models import User
from tissage.core.registry import MySpacePart

from ..access import CollectiveRights
from ..models import Collective, CollectiveMembership, Initiative, MemberBounce

Status = CollectiveMembership.Status
Role = CollectiveMembership.Role


@dataclass(frozen=True)
class MemberLists:
    coordinators: list[CollectiveMembership]
    members: list[CollectiveMembership]
    pending: list[CollectiveMembership]  # requests: for the moderators only


def member_lists(collective: Collective, rights: CollectiveRights) -> MemberLists:
    """Coordinators, members and (for moderators) requests, by date of joining, read in
    one query with only what the page shows (names, never addresses)."""
    memberships = list(
        collective.memberships.select_related("user")
        .only(
            "id",
            "role",
            "status",
            "joined_at",
            "request_message",
            "delivery_suspended_at",
            "user__display_name",
        )
        .order_by("joined_at", "pk")
    )
    active = [m for m in memberships if m.status == Status.ACTIVE]
    return MemberLists(
        coordinators=[m for m in active if m.role == Role.COORDINATOR],
        members=[m for m in active if m.role != Role.COORDINATOR],
        pending=(
            [m for m in memberships if m.status == Status.PENDING] if rights.can_moderate else []
        ),
    )


def my_space(user: User) -> MySpacePart | None:
    """My collectives (and requests waiting for an answer) and the initiatives I proposed
    or joined: the collectives' part of "Mon espace". Two queries."""
    memberships = list(
        CollectiveMembership.objects.filter(user=user)
        .select_related("collective")
        .order_by("collective__name")
    )
    initiatives = list(
        Initiative.objects.filter(Q(proposed_by=user) | Q(members__user=user))
        .select_related("collective")
        .distinct()
        .order_by("-pk")
    )
    if not memberships and not initiatives:
        return None
    return MySpacePart(
        template="collectives/membership/_my_space.html",
        context={"memberships": memberships, "initiatives": initiatives},
    )


def last_bounce(membership: CollectiveMembership) -> MemberBounce | None:
    """The latest delivery failure of a member whose delivery is suspended: what their
    mail server answered, for them to see."""
    if membership.delivery_suspended_at is None:
        return None
    return membership.bounces.order_by("-received_at", "-pk").first()
