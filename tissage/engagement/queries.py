"""Reads of the engagement pages: the notification centre, what a person follows, their
part of "Mon espace" and the header's count. Each reads in a few queries whatever the
number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tissage.core.registry import MySpacePart

from .models import Follow, Notification
from .texts import event_text

NOTIFICATIONS_PER_PAGE = 20
FOLLOWS_PER_PAGE = 50
MY_SPACE_LATEST = 5

# What each followed thing is, as the follows page names it. Engagement imports none of
# these apps: it knows their models by label only.
KIND_LABELS: dict[str, Promise] = {
    "projects.project": _("Project"),
    "inventories.campaign": _("Inventory"),
    "collectives.collective": _("Collective"),
    "territories.commune": _("Commune"),
    "consultations.consultation": _("Consultation"),
}


@dataclass(frozen=True)
class NotificationLine:
    """A notification as the centre shows it: its sentence, read or not."""

    notification: Notification
    text: str

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def lines(notifications: list[Notification]) -> list[NotificationLine]:
    return [
        NotificationLine(notification, event_text(notification.event))
        for notification in notifications
    ]


def notifications_page(
    user: Any, number: str | None
) -> tuple[Page[Notification], list[NotificationLine]]:
    """One page of the person's notifications, newest first: a count and one query."""
    page = Paginator(
        Notification.objects.filter(user=user).for_list(), NOTIFICATIONS_PER_PAGE
    ).get_page(number)
    return page, lines(list(page.object_list))


def unread_count(user: Any) -> int:
    """The header's count: one query on the index of unread notifications."""
    return Notification.objects.filter(user=user).unread().count()


@dataclass(frozen=True)
class Followed:
    """One thing the person follows: what it is, its name, its page (when it has one)."""

    follow: Follow
    label: str | Promise
    name: str
    url: str


def follows_page(user: Any, number: str | None) -> tuple[Page[Follow], list[Followed]]:
    """The things the person follows, latest first: a count, one query for the follows and
    one per kind of thing followed (at most four), whatever their number."""
    page = Paginator(
        Follow.objects.active()
        .filter(user=user)
        .select_related("target_type")
        .prefetch_related("target")
        .order_by("-created_at", "-pk"),
        FOLLOWS_PER_PAGE,
    ).get_page(number)
    followed = []
    for follow in page.object_list:
        target = follow.target
        if target is None:  # removed since: nothing left to show or follow
            continue
        followed.append(
            Followed(
                follow=follow,
                label=KIND_LABELS.get(target._meta.label_lower, target._meta.verbose_name),
                name=str(target),
                url=target.get_absolute_url() if hasattr(target, "get_absolute_url") else "",
            )
        )
    return page, followed


def my_space(user: Any) -> MySpacePart | None:
    """The latest unread notifications and how many things the person follows: the
    engagement part of "Mon espace". Three queries."""
    unread = Notification.objects.filter(user=user).unread()
    latest = list(unread.for_list()[:MY_SPACE_LATEST])
    follows = Follow.objects.active().filter(user=user).count()
    if not latest and not follows:
        return None
    return MySpacePart(
        template="engagement/_my_space.html",
        context={
            "latest": lines(latest),
            "unread": unread.count() if len(latest) == MY_SPACE_LATEST else len(latest),
            "follows": follows,
        },
    )
