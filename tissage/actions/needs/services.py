"""Material needs and pledges.

Over-pledging is allowed on purpose: two spades too many harm nobody, and refusing
a pledge would only make people bring things without saying so."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
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
