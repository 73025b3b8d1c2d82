"""Facilitators' writes on an action itself: creating it (one date or a weekly series),
editing it (one date or a whole series), cancelling it.

Places stay safe as in `registration.services`: every write that counts places first
locks the action's row. Emails to registrants leave once the transaction is committed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.converters import RESERVED_SLUGS
from tissage.actions.models import Action, ActionSeries, Registration, Role
from tissage.actions.registration import services
from tissage.actions.registration.queries import live_registrations
from tissage.core.slugs import unique_slug
from tissage.engagement.kinds import Kind
from tissage.engagement.services import notify
from tissage.projects.models import Project

from . import emails

# Apps built on this one may have more followers hear of a new action than those of its
# project and commune: a collective's followers hear of its meetings (actions of the
# collective's project). Each registers its rule once, from its AppConfig.ready()
# (collectives/apps.py), so that this app never imports them.
AnnouncedToRule = Callable[[Action], Iterable[models.Model]]
_announced_to_rules: list[AnnouncedToRule] = []


def announced_to_rule_register(rule: AnnouncedToRule) -> None:
    """Add a rule `(action) -> followed things` whose followers hear of a new action."""
    if rule not in _announced_to_rules:
        _announced_to_rules.append(rule)


def action_announce(action: Action, *, actor: User | None = None) -> bool:
    """Tell the followers of its project, of its commune (and of what the registered
    rules add) that a new action is published. Only a published action of a project
    everyone sees, not begun yet: a draft, or an action of a draft project, is seen by
    its team only; and only once (`announced_at`). Returns whether it was announced."""
    project = action.project
    if (
        action.status != Action.Status.PUBLISHED
        or project.status == Project.Status.DRAFT
        or action.starts_at <= timezone.now()
    ):
        return False
    # Once: set back to draft and published again, it is not news a second time. The
    # conditional update is the claim, so two saves at the same moment announce it once.
    now = timezone.now()
    if not Action.objects.filter(pk=action.pk, announced_at__isnull=True).update(announced_at=now):
        return False
    action.announced_at = now
    targets: list[models.Model] = [project]
    if action.commune is not None:
        targets.append(action.commune)
    for rule in _announced_to_rules:
        targets.extend(rule(action))
    notify(
        kind=Kind.ACTION_NEW,
        url=reverse("actions:detail", args=[action.slug]),
        params={
            "title": action.title,
            "starts_at": action.starts_at.isoformat(),
            "commune": action.commune.name if action.commune is not None else "",
            "project": project.title,
        },
        targets=targets,
        actor=actor,
    )
    return True


def _action_slug(title: str) -> str:
    slug = unique_slug(Action, title, fallback="action")
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Action, f"action {title}")
    return slug


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
    creator: User | None = None,
    **fields: Any,
) -> Action:
    """An action and its roles (one role “participant” when none is given). Published,
    it is announced to the followers (`action_announce`; a series once, by
    `series_create`); `creator` is not told of their own action."""
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
    if series is None:
        action_announce(action, actor=creator)
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
    creator: User | None = None,
    **fields: Any,
) -> ActionSeries:
    """`count` actions, one every `every`, in one go (e.g. six Saturday mornings),
    announced once to the followers, with the first date.

    Dates follow the local clock: 9:00 stays 9:00 across a daylight-saving change."""
    if not 1 <= count <= 52:
        raise ValidationError(_("A series has between 1 and 52 dates."))
    series = ActionSeries.objects.create(project=project, title=title)
    local_first = timezone.localtime(first_starts_at)
    first = None
    for number in range(count):
        naive = local_first.replace(tzinfo=None) + every * number
        starts_at = timezone.make_aware(naive)
        action = action_create(
            project=project,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + duration,
            roles=roles,
            series=series,
            **fields,
        )
        first = first or action
    if first is not None:
        action_announce(first, actor=creator)
    return series


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


def _tell_registrants_of_change(action: Action, changed: set[str], base_url: str) -> int:
    what = []
    if changed & WHEN_FIELDS:
        what.append(_("the date or the time"))
    if changed & WHERE_FIELDS:
        what.append(_("the place"))
    if not what:
        return 0
    count = 0
    for registration in live_registrations(action).reachable():
        transaction.on_commit(
            partial(emails.change_send, registration=registration, what=what, base_url=base_url)
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
    waiting list in. A draft that becomes published is announced to the followers (the
    first such date of a series only). Returns the actions that changed.
    Raises ValidationError (nothing saved) when a change is not possible, e.g. an
    overall capacity below the places already taken on one of the dates."""
    changed_actions = []
    published = []
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
            if (
                fields.get("status") == Action.Status.PUBLISHED
                and target.status == Action.Status.DRAFT
            ):
                published.append(target)
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
    # Only a draft's first publication: an action published again after a cancellation
    # is no news, and its registrants were written to.
    for target in sorted(published, key=lambda a: (a.starts_at, a.pk)):
        if action_announce(target, actor=editor):
            break
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


class ActionAlreadyCancelled(Exception):
    """There is nothing left to cancel; the message says so."""


def action_cancel_check(action: Action) -> None:
    """Raises ActionAlreadyCancelled when the action is cancelled already: the page asks
    nothing then, and `action_cancel` checks again under the row lock."""
    if action.status == Action.Status.CANCELLED:
        raise ActionAlreadyCancelled(_("This action is already cancelled."))


@transaction.atomic
def action_cancel(*, action: Action, note: str, editor: User, base_url: str) -> int:
    """Cancel the action and write to every live registrant. Returns how many.

    Raises ActionAlreadyCancelled (nothing changed, nobody written to) when the action is
    cancelled already, by an earlier request or by someone else at the same moment."""
    del editor
    action = Action.objects.select_for_update().get(pk=action.pk)
    action_cancel_check(action)
    action.status = Action.Status.CANCELLED
    action.save(update_fields=["status", "updated_at"])
    count = 0
    for registration in live_registrations(action).reachable():
        transaction.on_commit(
            partial(emails.cancelled_send, registration=registration, note=note, base_url=base_url)
        )
        count += 1
    return count
