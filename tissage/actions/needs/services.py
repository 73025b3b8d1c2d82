"""Material needs and pledges, and their confirmation by the action's team.

Over-pledging is allowed on purpose: two spades too many harm nobody, and refusing
a pledge would only make people bring things without saying so. A pledge counts toward
its need from the moment it is made, confirmed or not: it is a promise."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.models import Action, Need, Pledge, Registration

from . import emails


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


def need_lines(action: Action, *, with_pledges: bool = False) -> list[NeedLine]:
    """Every need of the action with what is pledged: one query; `with_pledges` adds each
    need's pledges, oldest first, in `need.pledges.all()` (the team's page): one more."""
    needs = action.needs.annotate(total=Coalesce(Sum("pledges__quantity"), 0)).order_by(
        "position", "pk"
    )
    if with_pledges:
        needs = needs.prefetch_related(
            Prefetch("pledges", queryset=Pledge.objects.order_by("created_at", "pk"))
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


@transaction.atomic
def pledge_confirm(*, pledge: Pledge, base_url: str) -> bool:
    """The team confirms a pledge, and the person who made it hears so when the pledge
    leads to an address (`Pledge.email`: a guest's pledge carries none). Idempotent: a pledge
    already confirmed is left as it is and nobody is written to again. True when this
    call confirmed it."""
    action = pledge.need.action
    if not pledges_open(action):
        raise PledgeRefused(
            _("This action has started or is cancelled: there is nothing left to confirm.")
        )
    now = timezone.now()
    # A conditional update rather than save(): of two clicks at the same moment, only one
    # finds the pledge unconfirmed, so the email leaves once.
    if not Pledge.objects.filter(pk=pledge.pk, confirmed_at__isnull=True).update(confirmed_at=now):
        pledge.refresh_from_db(fields=["confirmed_at"])
        return False
    pledge.confirmed_at = now
    if pledge.email:
        transaction.on_commit(
            partial(emails.pledge_confirmed_send, pledge=pledge, base_url=base_url)
        )
    return True
