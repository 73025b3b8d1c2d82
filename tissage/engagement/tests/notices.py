"""Notifications made for the tests: through `notify` and the fan-out, as in real life."""

from __future__ import annotations

from typing import Any

from tissage.engagement.models import Notification
from tissage.engagement.services import event_fan_out_now, notify


def news_for(*users: Any, title: str = "Plantation", url: str = "/") -> list[Notification]:
    """A news post that concerns `users` directly: one notification each."""
    event = notify(
        kind="news_post",
        url=url,
        params={"title": title, "project": "Haies du Diois"},
        users=users,
    )
    event_fan_out_now(event)
    return list(Notification.objects.filter(event=event).order_by("user_id"))
