"""What the engagement app keeps about a person, for their data download. Their rows go
with the account (CASCADE); an event they caused keeps no link to them (SET_NULL)."""

from __future__ import annotations

from tissage.accounts.models import User

from .models import DeliverySetting, Follow, Notification
from .texts import event_text


def collect(user: User) -> dict[str, object]:
    follows = Follow.objects.filter(user=user).select_related("target_type").order_by("pk")
    return {
        "follows": [
            {
                "what": f"{follow.target_type.app_label}.{follow.target_type.model}",
                "id": follow.target_id,
                "active": follow.active,
                "automatic": follow.automatic,
                "since": follow.created_at,
            }
            for follow in follows
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "text": event_text(notification.event),
                "link": notification.event.url,
                "at": notification.created_at,
                "read_at": notification.read_at,
                "emailed_at": notification.emailed_at,
                "delivery": notification.delivery,
            }
            for notification in Notification.objects.filter(user=user)
            .select_related("event")
            .order_by("-created_at", "-pk")
        ],
        "notification_settings": dict(
            DeliverySetting.objects.filter(user=user).values_list("kind", "delivery")
        ),
        "notification_digests": [
            {"period": period, "starts_on": starts_on}
            for period, starts_on in user.digests.order_by("starts_on").values_list(
                "period", "starts_on"
            )
        ],
    }
