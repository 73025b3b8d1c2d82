"""The actions' part of the staff workspace ("À traiter", `core.registry`): for the
published actions of the next 14 days in the projects the person runs, the roles not
full (with the fill rate, "12 / 20 places"), the material not covered, and the new
volunteers whose skills match a role; and, for every published action yet to start
(a promise waits for its answer however far the day), the pledges of material to
confirm. Six queries whatever the data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from .access import actions_managed_by
from .models import (
    Action,
    Need,
    Pledge,
    Registration,
    Role,
    VolunteerInvitation,
    VolunteerProfile,
)
from .volunteers.queries import matching_roles

AHEAD = datetime.timedelta(days=14)
# A volunteer profile saved in the last 30 days is "new" (the model keeps when it was
# last saved, not when it was first made: one updated again shows again).
NEW_VOLUNTEER = datetime.timedelta(days=30)


def _when(starts_at: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(starts_at), "D j F")


@dataclass(frozen=True)
class _ToConfirm:
    """The pledges not confirmed yet of one action."""

    slug: str
    title: str
    starts_at: datetime.datetime
    count: int


def _pledges_to_confirm(user: User, now: datetime.datetime) -> dict[int, _ToConfirm]:
    """Action id → its pledges not confirmed yet, for the published actions yet to start
    that the person manages: one grouped query."""
    rows = (
        Pledge.objects.filter(
            confirmed_at__isnull=True,
            need__action__in=actions_managed_by(user).published().filter(starts_at__gte=now),
        )
        .values(
            "need__action", "need__action__slug", "need__action__title", "need__action__starts_at"
        )
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        row["need__action"]: _ToConfirm(
            slug=row["need__action__slug"],
            title=row["need__action__title"],
            starts_at=row["need__action__starts_at"],
            count=row["count"],
        )
        for row in rows
    }


def _pledge_item(pledges: _ToConfirm) -> WorkItem:
    return WorkItem(
        label=ngettext(
            "pledge of material to confirm for “%(action)s”, %(date)s",
            "pledges of material to confirm for “%(action)s”, %(date)s",
            pledges.count,
        )
        % {"action": pledges.title, "date": _when(pledges.starts_at)},
        count=pledges.count,
        url=reverse("actions:needs", args=[pledges.slug]),
        group=_("Actions"),
    )


def workspace(user: User) -> list[WorkItem]:
    now = timezone.now()
    to_confirm = _pledges_to_confirm(user, now)
    actions = list(
        actions_managed_by(user)
        .published()
        .filter(starts_at__gte=now, starts_at__lt=now + AHEAD)
        .select_related("commune")
        .only("title", "slug", "starts_at", "capacity", "commune__id", "commune__name")
        .order_by("starts_at", "pk")
    )
    # Actions beyond the 14 days show only their pledges to confirm, after the others,
    # in the order of their dates.
    soon = {action.pk for action in actions}
    later = sorted(
        (pledges.starts_at, pk, _pledge_item(pledges))
        for pk, pledges in to_confirm.items()
        if pk not in soon
    )
    later_items = [item for _starts_at, _pk, item in later]
    if not actions:
        return later_items
    roles: dict[int, list[Role]] = defaultdict(list)
    for role in (
        Role.objects.filter(action__in=actions)
        .annotate(
            taken=Coalesce(
                Sum(
                    F("registrations__companions") + 1,
                    filter=Q(registrations__status=Registration.Status.CONFIRMED),
                ),
                0,
            )
        )
        .order_by("position", "pk")
    ):
        roles[role.action_id].append(role)
    needs: dict[int, list[Need]] = defaultdict(list)
    for need in (
        Need.objects.filter(action__in=actions)
        .annotate(pledged=Coalesce(Sum("pledges__quantity"), 0))
        .order_by("position", "pk")
    ):
        needs[need.action_id].append(need)
    volunteers = list(
        VolunteerProfile.objects.available().filter(updated_at__gte=now - NEW_VOLUNTEER)
    )
    invited = set(
        VolunteerInvitation.objects.filter(action__in=actions).values_list("action", "user")
    )
    items: list[WorkItem] = []
    for action in actions:
        items += _action_items(action, roles[action.pk], needs[action.pk], volunteers, invited)
        if action.pk in to_confirm:
            items.append(_pledge_item(to_confirm[action.pk]))
    return items + later_items


def _action_items(
    action: Action,
    roles: list[Role],
    needs: list[Need],
    volunteers: list[VolunteerProfile],
    invited: set[tuple[int, int]],
) -> list[WorkItem]:
    group = _("Actions")
    about = {"action": action.title, "date": _when(action.starts_at)}
    items = []
    taken = sum(role.taken for role in roles)  # type: ignore[attr-defined]
    offered = sum(role.places for role in roles)
    if action.capacity is not None:
        offered = min(offered, action.capacity)
    not_full = [role for role in roles if role.taken < role.places]  # type: ignore[attr-defined]
    if taken < offered and not_full:
        places = ngettext(
            "%(taken)s / %(offered)s place", "%(taken)s / %(offered)s places", offered
        )
        items.append(
            WorkItem(
                label=ngettext(
                    "role not full for “%(action)s”, %(date)s",
                    "roles not full for “%(action)s”, %(date)s",
                    len(not_full),
                )
                % about,
                count=len(not_full),
                url=reverse("actions:registrants", args=[action.slug]),
                group=group,
                detail=(
                    places % {"taken": taken, "offered": offered},
                    *(
                        _("%(name)s: %(taken)s / %(places)s")
                        % {"name": role.name, "taken": role.taken, "places": role.places}  # type: ignore[attr-defined]
                        for role in not_full
                    ),
                ),
            )
        )
    missing = [need for need in needs if need.pledged < need.quantity]  # type: ignore[attr-defined]
    if missing:
        items.append(
            WorkItem(
                label=ngettext(
                    "material need not covered for “%(action)s”, %(date)s",
                    "material needs not covered for “%(action)s”, %(date)s",
                    len(missing),
                )
                % about,
                count=len(missing),
                url=reverse("actions:needs", args=[action.slug]),
                group=group,
                detail=tuple(
                    _("%(name)s: %(taken)s / %(places)s")
                    % {"name": need.label, "taken": need.pledged, "places": need.quantity}  # type: ignore[attr-defined]
                    for need in missing
                ),
            )
        )
    if not_full:
        matched = [
            profile
            for profile in matching_roles(
                volunteers, roles=[role.name for role in not_full], commune=action.commune
            )
            if (action.pk, profile.user_id) not in invited
        ]
        if matched:
            items.append(
                WorkItem(
                    label=ngettext(
                        "new volunteer whose skills match “%(action)s”, %(date)s",
                        "new volunteers whose skills match “%(action)s”, %(date)s",
                        len(matched),
                    )
                    % about,
                    count=len(matched),
                    url=reverse("actions:volunteers", args=[action.slug]),
                    group=group,
                )
            )
    return items
