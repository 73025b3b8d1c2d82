"""Writes about registrations, by the person or by a facilitator: registering (or
registering someone on their behalf), cancelling, the waiting list, moving someone to
another role, giving a place now, writing to the registrants.

Places are never overbooked: the count of places taken and the new registration happen
in one transaction that first locks the action's row (`SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every write transaction is `BEGIN IMMEDIATE`, see settings), so
two people registering at the same second are served one after the other.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.models import Action, Registration, Role
from tissage.core.compiled import CompiledQuery
from tissage.core.emails import email_send, site_url
from tissage.engagement.kinds import Kind
from tissage.engagement.services import notify

from . import emails
from .queries import live_registrations


class RegistrationRefused(Exception):
    """The registration cannot be recorded; the message says why, to the person."""


class ManageRefused(Exception):
    """The write cannot be done; the message says why and what to do."""


def _seats_taken(
    action: Action, role: Role | None = None, *, without: Registration | None = None
) -> int:
    registrations = Registration.objects.filter(action=action).confirmed()
    if without is not None:
        registrations = registrations.exclude(pk=without.pk)
    if role is not None:
        registrations = registrations.filter(role=role)
    return registrations.seats()


def _fits(action: Action, role: Role, seats: int, *, without: Registration | None = None) -> bool:
    """Whether `seats` more places fit in the role and the overall capacity (leaving out
    the places of `without`, a registration that moves or is given a place)."""
    if _seats_taken(action, role, without=without) + seats > role.places:
        return False
    if action.capacity is None:
        return True
    return _seats_taken(action, without=without) + seats <= action.capacity


# A second registration of an address within this time is a double tap: no new email.
RESEND_AFTER = datetime.timedelta(minutes=2)


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

    The confirmation (or waiting-list) email is queued with the registration, and
    written by the worker (`emails.registration_email`), which also has a signed-in
    person follow the project.

    Under the action's lock, one query reads the places taken and whether the address is
    registered already; then the row and its email's task are written: the lock is held
    for four statements. The fields are checked before, without `full_clean`'s queries:
    the role and the person come from the database already, and the address has one
    live registration at most (the read under the lock, and the unique index).
    """
    email = email.strip().lower()
    base_url = base_url or site_url()
    registration = Registration(
        action=action,
        role=role,
        user=user,
        email=email,
        name=name.strip(),
        phone=phone.strip(),
        companions=companions,
        status=Registration.Status.CONFIRMED,
        entered_by=entered_by,
    )
    try:
        # Fields as a form would check them (the forms did already): no query.
        registration.full_clean(
            exclude=["action", "role", "user", "entered_by", "status"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise RegistrationRefused(" ".join(error.messages)) from error
    if not 0 <= companions <= COMPANIONS_MAX:
        raise RegistrationRefused(_("Between 0 and 20 people."))
    try:
        with transaction.atomic():
            # The lock that serialises registrations for this action (see module doc).
            action = _action_locked(pk=action.pk)[0]
            if role.action_id != action.pk:
                raise RegistrationRefused(_("This role does not belong to the action."))
            if not action.registration_is_open():
                raise RegistrationRefused(_("Registration for this action is closed."))
            seats = 1 + companions
            places = _places_and_address(action, role, email)
            if places.existing is not None:
                return _registered_again(places.existing, base_url=base_url)
            if places.fits(action, role, seats):
                registration.status = Registration.Status.CONFIRMED
            elif action.waiting_list:
                registration.status = Registration.Status.WAITING
            else:
                raise RegistrationRefused(
                    _("This role is full and this action has no waiting list.")
                )
            registration.action = action
            registration.save(force_insert=True)
            # The email, and the project followed by who registers (a facilitator's entry
            # has no `user`), come from the worker, with the transaction's task.
            emails.registration_email_queue(
                registration=registration,
                kind="confirmed"
                if registration.status == Registration.Status.CONFIRMED
                else "waiting",
                base_url=base_url,
                follow=user is not None,
            )
            return Registered(registration, created=True)
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


# The most people coming with someone (forms and a database constraint say the same).
COMPANIONS_MAX = 20


@dataclass(frozen=True)
class _Places:
    """Places taken, in the role and in the whole action, and the address's live
    registration if it has one: what a registration decides from, read at once."""

    role_taken: int
    taken: int
    existing: int | None

    def fits(self, action: Action, role: Role, seats: int) -> bool:
        """The same rule as `_fits`."""
        if self.role_taken + seats > role.places:
            return False
        return action.capacity is None or self.taken + seats <= action.capacity


def _places_and_address(action: Action, role: Role, email: str) -> _Places:
    """One query (under the action's lock), where `_fits` and a lookup by address take
    three."""
    rows = _places_and_address_rows(action=action.pk, role=role.pk, email=email)
    row = rows[0] if rows else {}
    return _Places(
        role_taken=row.get("role_taken") or 0,
        taken=row.get("taken") or 0,
        existing=row.get("existing"),
    )


# The two reads of a registration, compiled once (`core.compiled`): building and compiling
# them cost more than the database's answer.
_action_locked = CompiledQuery(lambda pk: Action.objects.select_for_update().filter(pk=pk), pk=int)


def _places_and_address_query(action: int, role: int, email: str) -> QuerySet[Any, Any]:
    confirmed = Q(status=Registration.Status.CONFIRMED)
    seats = F("companions") + 1
    # Grouped by the action, which the filter fixes: one row, none without registrations.
    return (
        Registration.objects.filter(action=action)
        .order_by()
        .values("action")
        .annotate(
            role_taken=Sum(seats, filter=confirmed & Q(role=role)),
            taken=Sum(seats, filter=confirmed),
            existing=Min("pk", filter=Q(email=email) & ~Q(status=Registration.Status.CANCELLED)),
        )
    )


_places_and_address_rows = CompiledQuery(_places_and_address_query, action=int, role=int, email=str)


def _registered_again(pk: int, *, base_url: str) -> Registered:
    """The address has a live registration for the action already. Within RESEND_AFTER it
    is a double tap: nothing more. Later, the page says nothing of it (so that nobody
    learns who takes part by typing an address), and the address gets its registration
    and cancel link again."""
    existing = Registration.objects.get(pk=pk)
    if existing.created_at < timezone.now() - RESEND_AFTER:
        emails.registration_email_queue(
            registration=existing,
            kind="confirmed" if existing.status == Registration.Status.CONFIRMED else "waiting",
            base_url=base_url,
            again=True,
        )
    return Registered(existing, created=False)


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
    return waiting_list_promote(action, base_url=base_url or site_url())


def waiting_list_promote(action: Action, *, base_url: str) -> list[Registration]:
    """Fill freed places from the waiting list, in order of arrival.

    Someone whose party does not fit waits on; the next ones may fit."""
    if action.starts_at <= timezone.now():
        return []
    promoted = []
    waiting_list = Registration.objects.filter(action=action).waiting()
    for waiting in waiting_list.select_related("role", "user"):
        if _fits(action, waiting.role, waiting.seats):
            waiting.status = Registration.Status.CONFIRMED
            waiting.promoted_at = timezone.now()
            waiting.save(update_fields=["status", "promoted_at"])
            promoted.append(waiting)
    for person in promoted:
        emails.registration_email_queue(registration=person, kind="promoted", base_url=base_url)
    _place_freed_notify(action, promoted)
    return promoted


def _place_freed_notify(action: Action, promoted: list[Registration]) -> None:
    """The promoted people with an account find it among their notifications too; the
    promotion email tells them already (`emails.registration_email_queue`), so it is not emailed
    again. Guests have the email only."""
    users = [person.user for person in promoted if person.user_id is not None]
    if not users:
        return
    notify(
        kind=Kind.PLACE_FREED,
        url=reverse("actions:detail", args=[action.slug]),
        params={"title": action.title, "starts_at": action.starts_at.isoformat()},
        users=users,
        emailed=[
            person.user for person in promoted if person.user_id is not None and person.has_email
        ],
    )


# People registered by a facilitator without an address get a unique placeholder, easy
# to spot (see models.NO_ADDRESS_SUFFIX for why it is never written to).
PLACEHOLDER_DOMAIN = "sans-email.invalid"


def placeholder_email() -> str:
    return f"sans-email+{uuid.uuid4().hex}@{PLACEHOLDER_DOMAIN}"


def registration_assisted(
    *,
    action: Action,
    role: Role,
    name: str,
    email: str,
    phone: str,
    companions: int,
    entered_by: User,
    base_url: str,
) -> Registered:
    """Register someone on their behalf (on the phone, at the market stall…).

    Without an address, a placeholder one (see PLACEHOLDER_DOMAIN) stands in."""
    return registration_create(
        action=action,
        role=role,
        name=name,
        email=email.strip() or placeholder_email(),
        phone=phone,
        companions=companions,
        entered_by=entered_by,
        base_url=base_url,
    )


def _locked(registration: Registration) -> tuple[Action, Registration]:
    action = Action.objects.select_for_update().get(pk=registration.action_id)
    registration = Registration.objects.select_related("role").get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ManageRefused(_("This registration is cancelled: nothing was changed."))
    return action, registration


@transaction.atomic
def registrant_cancel(*, registration: Registration, base_url: str) -> list[Registration]:
    """A facilitator cancels someone's registration from the list. Unlike the person's
    own cancel link, cancelling it twice is refused (ManageRefused), so that the list
    says nothing changed. Returns the people promoted from the waiting list."""
    _locked(registration)
    return registration_cancel(registration=registration, base_url=base_url)


@transaction.atomic
def registration_move(*, registration: Registration, role: Role, base_url: str) -> Registration:
    """Move someone to another role of the same action, only if they fit there."""
    action, registration = _locked(registration)
    if role.action_id != action.pk:
        raise ManageRefused(_("This role does not belong to the action."))
    if role.pk == registration.role_id:
        raise ManageRefused(_("This person already has this role: nothing was changed."))
    if registration.status == Registration.Status.CONFIRMED and not _fits(
        action, role, registration.seats, without=registration
    ):
        raise ManageRefused(
            _(
                "Not enough places left in “%(role)s” for %(name)s: add places to the role "
                "first, or choose another role."
            )
            % {"role": role.name, "name": registration.name}
        )
    registration.role = role
    registration.save(update_fields=["role"])
    # The place left behind may let someone on the waiting list in.
    waiting_list_promote(action, base_url=base_url)
    registration.refresh_from_db()
    return registration


@transaction.atomic
def registration_promote(*, registration: Registration, base_url: str) -> Registration:
    """Give a place now to someone on the waiting list, if their party fits."""
    action, registration = _locked(registration)
    if registration.status != Registration.Status.WAITING:
        raise ManageRefused(_("This person is not on the waiting list: nothing was changed."))
    if not _fits(action, registration.role, registration.seats, without=registration):
        raise ManageRefused(
            _(
                "Not enough places left in “%(role)s” for %(name)s and the people coming "
                "with them: add places to the role first."
            )
            % {"role": registration.role.name, "name": registration.name}
        )
    registration.status = Registration.Status.CONFIRMED
    registration.promoted_at = timezone.now()
    registration.save(update_fields=["status", "promoted_at"])
    emails.registration_email_queue(registration=registration, kind="promoted", base_url=base_url)
    _place_freed_notify(action, [registration])
    return registration


@transaction.atomic
def registrants_message(
    *,
    action: Action,
    subject: str,
    text: str,
    role: Role | None,
    include_waiting: bool,
    sender: User,
    base_url: str,
) -> int:
    """One email per registrant (of one role, or all), with the action's link.

    Returns how many were written; people registered without an address are skipped."""
    statuses = [Registration.Status.CONFIRMED]
    if include_waiting:
        statuses.append(Registration.Status.WAITING)
    registrations = live_registrations(action).reachable().filter(status__in=statuses)
    if role is not None:
        registrations = registrations.filter(role=role)
    count = 0
    for registration in registrations:
        email_send(
            to=registration.email,
            template="emails/actions/registration/message",
            context={
                **emails.email_context(registration, base_url),
                "subject": subject,
                "text": text,
                "sender": sender.public_name,
            },
            reason=emails.reason(registration),
            language=emails.language(registration),
        )
        count += 1
    return count
