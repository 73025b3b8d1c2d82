"""The actions' part of the staff workspace ("À traiter", `core.registry`): for the
published actions of the next 14 days in the projects the person runs, the roles not
full (with the fill rate, "12 / 20 places"), the material not covered, and the new
volunteers whose skills match a role. Five queries whatever the data."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from .access import actions_managed_by
from .models import Action, Need, Registration, Role, VolunteerInvitation, VolunteerProfile
from .volunteers.queries import matching_roles

AHEAD = datetime.timedelta(days=14)
# A volunteer profile saved in the last 30 days is "new" (the model keeps when it was
# last saved, not when it was first made: one updated again shows again).
NEW_VOLUNTEER = datetime.timedelta(days=30)


def _when(action: Action) -> str:
    return formats.date_format(timezone.localtime(action.starts_at), "D j F")


def workspace(user: User) -> list[WorkItem]:
    now = timezone.now()
    actions = list(
        actions_managed_by(user)
        .published()
        .filter(starts_at__gte=now, starts_at__lt=now + AHEAD)
        .select_related("commune")
        .only("title", "slug", "starts_at", "capacity", "commune__id", "commune__name")
        .order_by("starts_at", "pk")
    )
    if not actions:
        return []
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
    return items


def _action_items(
    action: Action,
    roles: list[Role],
    needs: list[Need],
    volunteers: list[VolunteerProfile],
    invited: set[tuple[int, int]],
) -> list[WorkItem]:
    group = _("Actions")
    about = {"action": action.title, "date": _when(action)}
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
