"""Reads about registrations: places left (for one action or a page of them), the live
registrations of an action, a person's own registrations ("my actions")."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from tissage.accounts.models import User
from tissage.actions import tokens
from tissage.actions.attendance.queries import hours_of
from tissage.actions.models import Action, Pledge, Registration, RegistrationQuerySet, Role
from tissage.core.registry import MySpacePart


def live_registrations(action: Action) -> RegistrationQuerySet:
    return (
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role", "user", "action")
    )


def _left_by_role(action: Action, roles: Iterable[Role], taken: dict[int, int]) -> dict[int, int]:
    """Role id → places left from the places taken per role: never below zero, and never
    more than the overall capacity leaves."""
    left = {role.pk: max(role.places - taken.get(role.pk, 0), 0) for role in roles}
    if action.capacity is not None:
        overall = max(action.capacity - sum(taken.values()), 0)
        left = {pk: min(value, overall) for pk, value in left.items()}
    return left


def places_left_by_role(action: Action, roles: Sequence[Role]) -> dict[int, int]:
    """Role id → places left (never below zero), from roles read with their places taken
    (`lookups.get_action_and_roles`, the `taken` of each)."""
    return _left_by_role(action, roles, {role.pk: role.taken for role in roles})  # type: ignore[attr-defined]


def places_left_of(actions: Sequence[Action]) -> dict[int, int]:
    """Action id → places left in total, for a whole page in two queries.

    Same arithmetic as `places_left_by_role`: each role's places left (never below
    zero) added up, then bounded by what the overall capacity leaves."""
    ids = [action.pk for action in actions]
    if not ids:
        return {}
    taken = dict(
        Registration.objects.filter(action__in=ids)
        .confirmed()
        .order_by()
        .values("role")
        .annotate(taken=Sum(F("companions") + 1))
        .values_list("role", "taken")
    )
    by_role: dict[int, int] = defaultdict(int)
    taken_by_action: dict[int, int] = defaultdict(int)
    for role_id, action_id, places in Role.objects.filter(action__in=ids).values_list(
        "pk", "action", "places"
    ):
        by_role[action_id] += max(places - taken.get(role_id, 0), 0)
        taken_by_action[action_id] += taken.get(role_id, 0)
    left = {}
    for action in actions:
        total = by_role.get(action.pk, 0)
        if action.capacity is not None:
            total = min(total, max(action.capacity - taken_by_action.get(action.pk, 0), 0))
        left[action.pk] = total
    return left


def places_left_in(
    action: Action, roles: Sequence[Role], registrations: Sequence[Registration]
) -> dict[int, int]:
    """Role id → places left, from rows already loaded (as `places_left_by_role`)."""
    taken: dict[int, int] = {}
    for registration in registrations:
        if registration.status == Registration.Status.CONFIRMED:
            taken[registration.role_id] = taken.get(registration.role_id, 0) + registration.seats
    return _left_by_role(action, roles, taken)


def my_registration(action: Action, user: User) -> Registration | None:
    """The person's live registration for the action (by account, or by the address
    they confirmed when they signed in), or None."""
    mine = Q(user=user)
    if user.email_confirmed_at:
        mine |= Q(user__isnull=True, email=user.email.lower())
    registration = (
        Registration.objects.filter(mine, action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role")
        .first()
    )
    if registration is not None:
        registration.action = action  # read already: no query for its cancel link
    return registration


def waiting_position(registration: Registration) -> int:
    """1 for the first on the action's waiting list (promotion goes in this order)."""
    ahead = (
        Registration.objects.filter(action_id=registration.action_id)
        .waiting()
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
    )
    return ahead.count() + 1


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


@dataclass(frozen=True)
class RegistrantsList:
    """What the facilitators' list of an action's registrants shows."""

    roles: list[Role]
    # Per role: the confirmed registrations, and the places left.
    tables: list[tuple[Role, list[Registration], int]]
    waiting: list[Registration]  # in order of arrival
    confirmed_count: int
    confirmed_people: int  # companions included
    cancelled_count: int
    places_left_total: int


def registrants_list(action: Action) -> RegistrantsList:
    """Every registration of the action, by role and status, in two queries whatever
    their number."""
    roles = list(action.roles.all())
    registrations = list(
        Registration.objects.filter(action=action)
        .select_related("entered_by")
        .order_by("created_at", "pk")
    )
    role_of = {role.pk: role for role in roles}
    for registration in registrations:
        registration.role = role_of[registration.role_id]  # no query per row
    places = places_left_in(action, roles, registrations)
    confirmed = [r for r in registrations if r.status == Registration.Status.CONFIRMED]
    by_role: dict[int, list[Registration]] = {role.pk: [] for role in roles}
    for registration in confirmed:
        by_role[registration.role_id].append(registration)
    confirmed_people = sum(r.seats for r in confirmed)
    return RegistrantsList(
        roles=roles,
        tables=[(role, by_role[role.pk], places.get(role.pk, 0)) for role in roles],
        waiting=[r for r in registrations if r.status == Registration.Status.WAITING],
        confirmed_count=len(confirmed),
        confirmed_people=confirmed_people,
        cancelled_count=sum(r.status == Registration.Status.CANCELLED for r in registrations),
        # With an overall capacity, what it leaves; else what the roles leave.
        places_left_total=sum(places.values())
        if action.capacity is None
        else max(action.capacity - confirmed_people, 0),
    )


def registration_counts(action: Action) -> dict[str, int]:
    """How many registrations are confirmed and waiting, in one query."""
    return Registration.objects.filter(action=action).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )


def my_space(user: User) -> MySpacePart | None:
    """My registrations to come (rank on the waiting list, cancel link) and what I
    pledged to bring: the actions' part of "Mon espace". Three queries."""
    now = timezone.now()
    upcoming = my_actions(user, now).upcoming
    if not upcoming:
        return None
    waiting = [r for r in upcoming if r.status == Registration.Status.WAITING]
    ranks: dict[int, int] = {}
    if waiting:
        lists = Registration.objects.filter(action_id__in={r.action_id for r in waiting}).waiting()
        seen: dict[int, int] = {}
        for row in lists.only("pk", "action_id"):
            seen[row.action_id] = seen.get(row.action_id, 0) + 1
            ranks[row.pk] = seen[row.action_id]
    pledges = list(
        Pledge.objects.filter(registration__in=[r.pk for r in upcoming]).select_related("need")
    )
    lines = [
        (
            registration,
            ranks.get(registration.pk),
            tokens.CANCEL.make(registration.pk, registration.email)
            if registration.may_cancel_by_link(now)
            and registration.action.status != Action.Status.CANCELLED
            else None,
            [pledge for pledge in pledges if pledge.registration_id == registration.pk],
        )
        for registration in upcoming
    ]
    return MySpacePart(template="actions/registration/_my_space.html", context={"lines": lines})
