"""Writes about actions that touch several rows: series, registrations, the waiting list.

Places are never overbooked: the count of places taken and the new registration happen
in one transaction that first locks the action's row (`SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every write transaction is `BEGIN IMMEDIATE`, see settings), so
two people registering at the same second are served one after the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.models import Action, ActionSeries, Registration, Role
from tissage.core.slugs import unique_slug
from tissage.projects.models import Project

from . import emails

# Words the action URLs use after /actions/: no action may be called so.
RESERVED_SLUGS = {
    "annuler",
    "nouvelle",
    "calendrier",
    "impact",
    "export",
    "mes-actions",
    "mes-disponibilites",
}


def _action_slug(title: str) -> str:
    slug = unique_slug(Action, title, fallback="action")
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Action, f"action {title}")
    return slug


class RegistrationRefused(Exception):
    """The registration cannot be recorded; the message says why, to the person."""


@dataclass(frozen=True)
class RoleInput:
    name: str
    places: int


@transaction.atomic
def action_create(
    *,
    project: Project,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    roles: Sequence[RoleInput] = (),
    series: ActionSeries | None = None,
    **fields: Any,
) -> Action:
    """An action and its roles (one role “participant” when none is given)."""
    action = Action(
        project=project,
        title=title,
        slug=fields.pop("slug", None) or _action_slug(title),
        starts_at=starts_at,
        ends_at=ends_at,
        series=series,
        **fields,
    )
    action.full_clean()
    action.save()
    for position, role in enumerate(roles or [RoleInput(_("participant"), 20)]):
        Role.objects.create(action=action, name=role.name, places=role.places, position=position)
    return action


@transaction.atomic
def series_create(
    *,
    project: Project,
    title: str,
    first_starts_at: datetime.datetime,
    duration: datetime.timedelta,
    count: int,
    every: datetime.timedelta = datetime.timedelta(weeks=1),
    roles: Sequence[RoleInput] = (),
    **fields: Any,
) -> ActionSeries:
    """`count` actions, one every `every`, in one go (e.g. six Saturday mornings).

    Dates follow the local clock: 9:00 stays 9:00 across a daylight-saving change."""
    if not 1 <= count <= 52:
        raise ValidationError(_("A series has between 1 and 52 dates."))
    series = ActionSeries.objects.create(project=project, title=title)
    local_first = timezone.localtime(first_starts_at)
    for number in range(count):
        naive = local_first.replace(tzinfo=None) + every * number
        starts_at = timezone.make_aware(naive)
        action_create(
            project=project,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + duration,
            roles=roles,
            series=series,
            **fields,
        )
    return series


def _seats_taken(action: Action, role: Role | None = None) -> int:
    registrations = Registration.objects.filter(action=action).confirmed()
    if role is not None:
        registrations = registrations.filter(role=role)
    return registrations.seats()


def _fits(action: Action, role: Role, seats: int) -> bool:
    if _seats_taken(action, role) + seats > role.places:
        return False
    return action.capacity is None or _seats_taken(action) + seats <= action.capacity


@dataclass(frozen=True)
class Registered:
    registration: Registration
    # False when the address was already registered: a double click, or twice the same.
    created: bool


def registration_create(
    *,
    action: Action,
    role: Role,
    name: str,
    email: str,
    phone: str = "",
    companions: int = 0,
    user: User | None = None,
    entered_by: User | None = None,
    base_url: str = "",
) -> Registered:
    """Register someone for a role: confirmed if places remain, else on the waiting list.

    The confirmation (or waiting-list) email leaves once the transaction is committed.
    """
    email = email.strip().lower()
    try:
        with transaction.atomic():
            # The lock that serialises registrations for this action (see module doc).
            action = Action.objects.select_for_update().get(pk=action.pk)
            if role.action_id != action.pk:
                raise RegistrationRefused(_("This role does not belong to the action."))
            if not action.registration_is_open():
                raise RegistrationRefused(_("Registration for this action is closed."))
            existing = (
                Registration.objects.filter(action=action, email=email)
                .exclude(status=Registration.Status.CANCELLED)
                .first()
            )
            if existing is not None:
                return Registered(existing, created=False)
            seats = 1 + companions
            if _fits(action, role, seats):
                status = Registration.Status.CONFIRMED
            elif action.waiting_list:
                status = Registration.Status.WAITING
            else:
                raise RegistrationRefused(
                    _("This role is full and this action has no waiting list.")
                )
            registration = Registration(
                action=action,
                role=role,
                user=user,
                email=email,
                name=name.strip(),
                phone=phone.strip(),
                companions=companions,
                status=status,
                entered_by=entered_by,
            )
            registration.full_clean()
            registration.save()
            transaction.on_commit(
                lambda: emails.registration_send(
                    registration=registration, base_url=base_url or settings.SITE_URL
                )
            )
            return Registered(registration, created=True)
    except ValidationError as error:
        raise RegistrationRefused(" ".join(error.messages)) from error
    except IntegrityError:
        # Another request for the same address won the race: that one stands.
        found = (
            Registration.objects.filter(action=action, email=email)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if found is None:
            raise
        return Registered(found, created=False)


@transaction.atomic
def registration_cancel(*, registration: Registration, base_url: str = "") -> list[Registration]:
    """Cancel a registration (or release a place), then promote from the waiting list
    whoever now fits, first come first served. Returns the people promoted."""
    action = Action.objects.select_for_update().get(pk=registration.action_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return []
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return waiting_list_promote(action, base_url=base_url or settings.SITE_URL)


def waiting_list_promote(action: Action, *, base_url: str) -> list[Registration]:
    """Fill freed places from the waiting list, in order of arrival.

    Someone whose party does not fit waits on; the next ones may fit."""
    if action.starts_at <= timezone.now():
        return []
    promoted = []
    for waiting in Registration.objects.filter(action=action).waiting().select_related("role"):
        if _fits(action, waiting.role, waiting.seats):
            waiting.status = Registration.Status.CONFIRMED
            waiting.promoted_at = timezone.now()
            waiting.save(update_fields=["status", "promoted_at"])
            promoted.append(waiting)
    for person in promoted:
        transaction.on_commit(
            partial(emails.promotion_send, registration=person, base_url=base_url)
        )
    return promoted


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
