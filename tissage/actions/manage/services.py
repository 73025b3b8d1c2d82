"""Facilitators' writes on actions: editing (one date or a whole series), cancelling,
and the registrants' list (assisted registration, moving, promoting, messages).

Places stay safe as in `services`: every write that counts places first locks the
action's row. Emails to registrants leave once the transaction is committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions import tokens
from tissage.actions.agenda import calendars
from tissage.actions.models import Action, Registration, RegistrationQuerySet, Role
from tissage.actions.registration import emails, services
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

# People registered by a facilitator without an address get a unique placeholder, easy
# to spot (see models.NO_ADDRESS_SUFFIX for why it is never written to).
PLACEHOLDER_DOMAIN = "sans-email.invalid"


def placeholder_email() -> str:
    return f"sans-email+{uuid.uuid4().hex}@{PLACEHOLDER_DOMAIN}"


class Scope(models.TextChoices):
    THIS = "this", _("Only this date")
    FOLLOWING = "following", _("This date and the following ones of the series")
    ALL = "all", _("Every date of the series")


# Fields that belong to one date: they change only on the action being edited.
DATE_FIELDS = {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at"}
# Changes that registrants must hear about.
WHEN_FIELDS = {"starts_at", "ends_at"}
WHERE_FIELDS = {"address", "meeting_point", "commune", "longitude", "latitude"}
# Changes after which people on the waiting list may now fit.
PLACES_FIELDS = {"capacity", "waiting_list"}


@dataclass(frozen=True)
class RoleEdit:
    """A row of the roles table: `pk` None for a new role; an empty name removes it."""

    pk: int | None
    name: str
    places: int


class ManageRefused(Exception):
    """The write cannot be done; the message says why and what to do."""


def _live(action: Action) -> RegistrationQuerySet:
    return (
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role", "user", "action")
    )


def _email_context(registration: Registration, base_url: str) -> dict[str, object]:
    return {
        "registration": registration,
        "action": registration.action,
        "action_url": calendars.action_url(registration.action, base_url),
        "cancel_url": base_url
        + reverse("actions:cancel", kwargs={"token": tokens.make(registration)}),
    }


def _reason(action: Action) -> str:
    return _(
        "You receive this email because this address was registered for “%(action)s” on "
        "%(platform)s."
    ) % {"action": action.title, "platform": settings.PLATFORM_NAME}


def _language(registration: Registration) -> str | None:
    return registration.user.language if registration.user else None


def _change_send(*, registration: Registration, what: list[str], base_url: str) -> OutgoingEmail:
    confirmed = registration.status == Registration.Status.CONFIRMED
    attachments = None
    if confirmed:
        # The same event UID: calendar apps update the entry instead of adding one.
        content = calendars.calendar_of([registration.action], base_url=base_url)
        attachments = [
            {
                "filename": f"{registration.action.slug}.ics",
                "mimetype": "text/calendar; charset=utf-8; method=PUBLISH",
                "content": content.decode("utf-8"),
            }
        ]
    return email_send(
        to=registration.email,
        template="emails/actions/manage/changed",
        context={**_email_context(registration, base_url), "what": what},
        reason=_reason(registration.action),
        language=_language(registration),
        attachments=attachments,
    )


def _cancelled_send(*, registration: Registration, note: str, base_url: str) -> OutgoingEmail:
    return email_send(
        to=registration.email,
        template="emails/actions/manage/cancelled",
        context={**_email_context(registration, base_url), "note": note},
        reason=_reason(registration.action),
        language=_language(registration),
    )


def _tell_registrants_of_change(action: Action, changed: set[str], base_url: str) -> int:
    what = []
    if changed & WHEN_FIELDS:
        what.append(_("the date or the time"))
    if changed & WHERE_FIELDS:
        what.append(_("the place"))
    if not what:
        return 0
    count = 0
    for registration in _live(action).reachable():
        transaction.on_commit(
            partial(_change_send, registration=registration, what=what, base_url=base_url)
        )
        count += 1
    return count


def _targets(action: Action, scope: str) -> list[Action]:
    """The actions of the scope, their rows locked (as registrations do) so that places
    are counted safely; always in the same order, so two edits of one series cannot
    wait on each other."""
    actions = Action.objects.select_for_update()
    if action.series_id is None or scope == Scope.THIS:
        actions = actions.filter(pk=action.pk)
    elif scope == Scope.FOLLOWING:
        actions = actions.filter(series_id=action.series_id, starts_at__gte=action.starts_at)
    elif scope == Scope.ALL:
        actions = actions.filter(series_id=action.series_id)
    else:
        raise ValueError(scope)
    return list(actions.order_by("starts_at", "pk"))


def _check_capacity(action: Action, capacity: int | None) -> None:
    """Refuse an overall capacity below the places already taken (companions included)."""
    if capacity is None:
        return
    taken = Registration.objects.filter(action=action).confirmed().seats()
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": _(
                    "%(taken)s places are already taken on %(date)s: give an overall "
                    "capacity of at least %(taken)s, or leave it empty."
                )
                % {
                    "taken": taken,
                    "date": formats.date_format(timezone.localdate(action.starts_at)),
                }
            }
        )


def _value_differs(target: Action, name: str, value: Any) -> bool:
    if name == "commune":
        return target.commune_id != (value.pk if value is not None else None)
    return bool(getattr(target, name) != value)


@transaction.atomic
def action_update(
    *,
    action: Action,
    changes: dict[str, Any],
    scope: str,
    editor: User,
    base_url: str,
    roles: Sequence[RoleEdit] | None = None,
) -> list[Action]:
    """Apply `changes` to the action, or to its series according to `scope`.

    Dates (start, end, registration window) and roles change on this action only; the
    other fields on every action of the scope. Registrants of an action whose date,
    time or place changed get an email; places added (to a role or overall) let the
    waiting list in. Returns the actions that changed.
    Raises ValidationError (nothing saved) when a change is not possible, e.g. an
    overall capacity below the places already taken on one of the dates."""
    del editor  # who edited is not recorded yet; kept for the audit trail to come
    changed_actions = []
    for target in _targets(action, scope):
        own = target.pk == action.pk
        fields = {
            name: value
            for name, value in changes.items()
            if (own or name not in DATE_FIELDS) and _value_differs(target, name, value)
        }
        if "capacity" in fields:
            _check_capacity(target, fields["capacity"])
        if fields:
            for name, value in fields.items():
                setattr(target, name, value)
            if "starts_at" in fields and target.reminder_sent_at is not None:
                # A new date deserves a new reminder.
                target.reminder_sent_at = None
                fields["reminder_sent_at"] = None
            target.full_clean()
            target.save(update_fields=[*fields, "updated_at"])
            changed_actions.append(target)
            _tell_registrants_of_change(target, set(fields), base_url)
        roles_changed = own and roles is not None and _roles_update(target, roles)
        if roles_changed and target not in changed_actions:
            changed_actions.append(target)
        if roles_changed or fields.keys() & PLACES_FIELDS:
            # More places, in a role or overall: the waiting list moves up.
            services.waiting_list_promote(target, base_url=base_url)
    return changed_actions


def _roles_update(action: Action, rows: Sequence[RoleEdit]) -> bool:
    existing = {role.pk: role for role in action.roles.all()}
    taken = _seats_by_role(action)
    live = set(
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("role_id", flat=True)
    )
    changed = False
    kept = 0
    for position, row in enumerate(rows):
        name = row.name.strip()
        role = existing.get(row.pk) if row.pk is not None else None
        if row.pk is not None and role is None:
            raise ValidationError(_("A role of the table no longer exists: reload the page."))
        if role is None:
            if name:
                Role.objects.create(action=action, name=name, places=row.places, position=position)
                changed = True
                kept += 1
            continue
        if not name:
            if role.pk in live:
                raise ValidationError(
                    _(
                        "The role “%(role)s” has registrants: move them to another role or "
                        "cancel their registration before removing it."
                    )
                    % {"role": role.name}
                )
            role.delete()
            changed = True
            continue
        kept += 1
        if row.places < taken.get(role.pk, 0):
            raise ValidationError(
                _(
                    "The role “%(role)s” already has %(taken)s places taken: give it at "
                    "least %(taken)s places."
                )
                % {"role": name, "taken": taken.get(role.pk, 0)}
            )
        if (role.name, role.places, role.position) != (name, row.places, position):
            role.name, role.places, role.position = name, row.places, position
            role.save(update_fields=["name", "places", "position"])
            changed = True
    if not kept:
        raise ValidationError(_("Keep at least one role."))
    return changed


def _seats_by_role(action: Action) -> dict[int, int]:
    return dict(
        Registration.objects.filter(action=action)
        .confirmed()
        .values("role")
        .annotate(taken=models.Sum(models.F("companions") + 1))
        .values_list("role", "taken")
    )


@transaction.atomic
def action_cancel(*, action: Action, note: str, editor: User, base_url: str) -> int:
    """Cancel the action and write to every live registrant. Returns how many."""
    del editor
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status == Action.Status.CANCELLED:
        return 0
    action.status = Action.Status.CANCELLED
    action.save(update_fields=["status", "updated_at"])
    count = 0
    for registration in _live(action).reachable():
        transaction.on_commit(
            partial(_cancelled_send, registration=registration, note=note, base_url=base_url)
        )
        count += 1
    return count


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
) -> services.Registered:
    """Register someone on their behalf (on the phone, at the market stall…).

    Without an address, a placeholder one (see PLACEHOLDER_DOMAIN) stands in."""
    return services.registration_create(
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


def _seats(action: Action, role: Role | None = None, *, without: Registration) -> int:
    registrations = Registration.objects.filter(action=action).confirmed().exclude(pk=without.pk)
    if role is not None:
        registrations = registrations.filter(role=role)
    return registrations.seats()


def _fits(action: Action, role: Role, registration: Registration) -> bool:
    if _seats(action, role, without=registration) + registration.seats > role.places:
        return False
    if action.capacity is None:
        return True
    return _seats(action, without=registration) + registration.seats <= action.capacity


@transaction.atomic
def registration_move(*, registration: Registration, role: Role, base_url: str) -> Registration:
    """Move someone to another role of the same action, only if they fit there."""
    action, registration = _locked(registration)
    if role.action_id != action.pk:
        raise ManageRefused(_("This role does not belong to the action."))
    if role.pk == registration.role_id:
        raise ManageRefused(_("This person already has this role: nothing was changed."))
    if registration.status == Registration.Status.CONFIRMED and not _fits(
        action, role, registration
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
    services.waiting_list_promote(action, base_url=base_url)
    registration.refresh_from_db()
    return registration


@transaction.atomic
def registration_promote(*, registration: Registration, base_url: str) -> Registration:
    """Give a place now to someone on the waiting list, if their party fits."""
    action, registration = _locked(registration)
    if registration.status != Registration.Status.WAITING:
        raise ManageRefused(_("This person is not on the waiting list: nothing was changed."))
    if not _fits(action, registration.role, registration):
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
    transaction.on_commit(
        partial(emails.promotion_send, registration=registration, base_url=base_url)
    )
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
    registrations = _live(action).reachable().filter(status__in=statuses)
    if role is not None:
        registrations = registrations.filter(role=role)
    count = 0
    for registration in registrations:
        email_send(
            to=registration.email,
            template="emails/actions/registration/message",
            context={
                **_email_context(registration, base_url),
                "subject": subject,
                "text": text,
                "sender": sender.public_name,
            },
            reason=_reason(action),
            language=_language(registration),
        )
        count += 1
    return count


def places_left_in(
    action: Action, roles: Sequence[Role], registrations: Sequence[Registration]
) -> dict[int, int]:
    """Role id → places left, from rows already loaded (as `services.places_left`)."""
    taken: dict[int, int] = {}
    for registration in registrations:
        if registration.status == Registration.Status.CONFIRMED:
            taken[registration.role_id] = taken.get(registration.role_id, 0) + registration.seats
    left = {role.pk: max(role.places - taken.get(role.pk, 0), 0) for role in roles}
    if action.capacity is not None:
        overall = max(action.capacity - sum(taken.values()), 0)
        left = {pk: min(value, overall) for pk, value in left.items()}
    return left
