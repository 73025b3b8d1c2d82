"""Material needs and pledges, and a person's own actions ("my actions").

Over-pledging is allowed on purpose: two spades too many harm nobody, and refusing
a pledge would only make people bring things without saying so."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.attendance.services import hours_of
from tissage.actions.models import Action, Need, Pledge, Registration


class PledgeRefused(ValidationError):
    """A pledge that cannot be taken (the action has started or is cancelled)."""


@dataclass(frozen=True)
class NeedLine:
    need: Need
    pledged: int

    @property
    def missing(self) -> int:
        return max(self.need.quantity - self.pledged, 0)

    @property
    def covered(self) -> bool:
        return self.pledged >= self.need.quantity


def need_lines(action: Action) -> list[NeedLine]:
    """Every need of the action with what is pledged: one query."""
    needs = action.needs.annotate(total=Coalesce(Sum("pledges__quantity"), 0)).order_by(
        "position", "pk"
    )
    return [NeedLine(need=need, pledged=need.total) for need in needs]


def pledges_open(action: Action, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return action.status != Action.Status.CANCELLED and now < action.starts_at


@transaction.atomic
def need_save(*, action: Action, label: str, quantity: int, need: Need | None = None) -> Need:
    """Add a need at the end of the list, or change one of this action's needs."""
    if need is None:
        last = action.needs.aggregate(last=Max("position"))["last"]
        return Need.objects.create(
            action=action,
            label=label,
            quantity=quantity,
            position=0 if last is None else last + 1,
        )
    if need.action_id != action.pk:
        raise ValueError("need of another action")
    need.label, need.quantity = label, quantity
    need.save(update_fields=["label", "quantity"])
    return need


@transaction.atomic
def need_delete(*, need: Need) -> None:
    """The need goes with its pledges: they have nothing left to promise."""
    need.delete()


@transaction.atomic
def pledge_add(*, need: Need, name: str, quantity: int, user: User | None = None) -> Pledge:
    action = need.action
    if not pledges_open(action):
        raise PledgeRefused(
            _("This action has started or is cancelled: pledges are closed.")
            if action.status != Action.Status.CANCELLED
            else _("This action is cancelled: there is nothing left to bring.")
        )
    # Ties the pledge to the person's registration, so that facilitators see who brings it.
    registration = (
        action.registrations.exclude(status=Registration.Status.CANCELLED).filter(user=user).first()
        if user is not None
        else None
    )
    return Pledge.objects.create(need=need, registration=registration, name=name, quantity=quantity)


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
