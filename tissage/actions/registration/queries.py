"""Reads about registrations: places left (for one action or a page of them), the live
registrations of an action, a person's own registrations ("my actions")."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone

from tissage.accounts.models import User
from tissage.actions.attendance.queries import hours_of
from tissage.actions.models import Action, Registration, RegistrationQuerySet, Role


def live_registrations(action: Action) -> RegistrationQuerySet:
    return (
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role", "user", "action")
    )


def places_left(action: Action) -> dict[int, int]:
    """Role id → places left (never below zero), in two queries."""
    taken = dict(
        Registration.objects.filter(action=action)
        .confirmed()
        .values("role")
        .annotate(taken=Sum(F("companions") + 1))
        .values_list("role", "taken")
    )
    left = {role.pk: max(role.places - taken.get(role.pk, 0), 0) for role in action.roles.all()}
    if action.capacity is not None:
        overall = max(action.capacity - sum(taken.values()), 0)
        left = {pk: min(value, overall) for pk, value in left.items()}
    return left


def places_left_in(
    action: Action, roles: Sequence[Role], registrations: Sequence[Registration]
) -> dict[int, int]:
    """Role id → places left, from rows already loaded (as `places_left`)."""
    taken: dict[int, int] = {}
    for registration in registrations:
        if registration.status == Registration.Status.CONFIRMED:
            taken[registration.role_id] = taken.get(registration.role_id, 0) + registration.seats
    left = {role.pk: max(role.places - taken.get(role.pk, 0), 0) for role in roles}
    if action.capacity is not None:
        overall = max(action.capacity - sum(taken.values()), 0)
        left = {pk: min(value, overall) for pk, value in left.items()}
    return left


@dataclass(frozen=True)
class MyRegistration:
    registration: Registration
    hours: Decimal | None  # past actions only


@dataclass(frozen=True)
class MyActions:
    upcoming: list[Registration]
    past: list[MyRegistration]
    total_hours: Decimal


def my_actions(user: User, now: datetime.datetime | None = None) -> MyActions:
    """The person's live registrations: upcoming (until the action ends) and past, with
    the hours given. One query whatever the number of registrations."""
    now = now or timezone.now()
    mine = Q(user=user)
    if user.email_confirmed_at:
        # Registered as a guest before having an account: the address is theirs (they
        # confirmed it by signing in with a code sent to it).
        mine |= Q(user__isnull=True, email=user.email.lower())
    registrations = (
        Registration.objects.filter(mine)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("action__project", "role")
        .order_by("action__starts_at", "pk")
    )
    upcoming: list[Registration] = []
    past: list[MyRegistration] = []
    for registration in registrations:
        action = registration.action
        if action.ends_at > now:
            upcoming.append(registration)
        elif (
            registration.status == Registration.Status.CONFIRMED
            and action.status == Action.Status.PUBLISHED
        ):
            # A waiting-list place or a cancelled action gave no hours: not listed.
            past.append(MyRegistration(registration, hours_of(registration)))
    past.reverse()  # the most recent first
    total = sum((line.hours or Decimal(0) for line in past), Decimal("0.00"))
    return MyActions(upcoming=upcoming, past=past, total_hours=total)
