"""Reads the project page needs beyond one QuerySet method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Project


@dataclass(frozen=True)
class Way:
    """One way to take part in a project, for its call-to-action box."""

    label: str
    url: str


def ways_to_take_part(
    project: Project,
    upcoming_actions: list[Any] | None = None,
    campaigns: list[Any] | None = None,
    consultations: list[Any] | None = None,
) -> list[Way]:
    """What a visitor can do for the project now, the most immediate first: contribute
    to an open inventory, register for the next action, join the collective whose
    meetings it holds. Reached through the reverse relations: the apps above projects
    are never imported here. The page passes the actions and campaigns it already read."""
    if project.status != Project.Status.PUBLISHED:
        return []
    ways = []
    today = timezone.localdate()
    if campaigns is None:
        campaigns = list(project.campaigns.order_by("-starts_on", "title"))
    for campaign in campaigns:
        if campaign.is_open(today):
            ways.append(
                Way(
                    _("Contribute to “%(campaign)s”") % {"campaign": campaign.title},
                    reverse("inventories:contribute", args=[campaign.slug]),
                )
            )
            break
    if upcoming_actions is None:
        upcoming_actions = list(project.actions.published().upcoming()[:1])
    if upcoming_actions:
        action = upcoming_actions[0]
        ways.append(
            Way(
                _("Register for “%(action)s”, %(date)s")
                % {
                    "action": action.title,
                    "date": formats.date_format(timezone.localtime(action.starts_at), "l j F"),
                },
                reverse("actions:detail", args=[action.slug]),
            )
        )
    if consultations is None:
        consultations = list(project.consultations.filter(published=True))
    for consultation in consultations:
        if consultation.is_open(today):
            ways.append(
                Way(
                    _("Give your opinion: “%(consultation)s”")
                    % {"consultation": consultation.title},
                    consultation.get_absolute_url(),
                )
            )
            break
    collective = getattr(project, "collective", None)
    if collective is not None:
        ways.append(
            Way(
                _("Join the collective %(collective)s") % {"collective": collective.name},
                collective.get_absolute_url(),
            )
        )
    return ways
