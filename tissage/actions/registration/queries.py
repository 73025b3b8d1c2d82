"""Reads about registrations: places left (for one action or a page of them), the live
registrations of an action."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import F, Sum

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
