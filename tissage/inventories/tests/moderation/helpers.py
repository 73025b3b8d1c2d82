"""Builders and readers shared by the moderation tests."""

from __future__ import annotations

import datetime

from django.contrib.messages import get_messages
from django.utils import timezone

from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import heritage_campaign, submit

Status = Contribution.Status
# About 30 m and 200 m east of LON at this latitude.
THIRTY_METRES = 30 / (111_320 * 0.7213)
TWO_HUNDRED_METRES = 200 / (111_320 * 0.7213)


def item(campaign, title="Lavoir", *, days_ago=0, status=None, moderator=None, **changes):
    """A submitted item (signed-in contributor), `days_ago` old, then moved to `status`."""
    changes.setdefault("contributor", UserFactory())
    found = submit(campaign, title=title, **changes)
    if days_ago:
        Contribution.objects.filter(pk=found.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    if status == Status.VALIDATED:
        contribution_decide(item=found, moderator=moderator, status=status)
    elif status is not None:
        Contribution.objects.filter(pk=found.pk).update(status=status)
    found.refresh_from_db()
    return found


def another_campaign(campaign):
    """A second campaign on the same commune."""
    return heritage_campaign(commune=campaign.communes.get(), title="Ailleurs")


def queue_url(campaign, query=""):
    return f"/inventaires/{campaign.slug}/moderation/{query}"


def item_url(campaign, found, action=""):
    return f"/inventaires/{campaign.slug}/moderation/{found.pk}/{action}"


def titles(response):
    return [row.item.title for row in response.context["rows"]]


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Edit -------------------------------------------------------------------------------


def edit_data(found, **changes):
    """The edit form as the page fills it in, with `changes` on top."""
    data = {
        "item-title": found.title,
        "item-description": found.description,
        "item-category": found.category_id,
        "item-address": found.address,
        "location-longitude": found.longitude,
        "location-latitude": found.latitude,
    }
    if found.location_approximate:
        data["location-location_approximate"] = "on"
    if found.obscure_location:
        data["location-obscure_location"] = "on"
    for key, value in found.values.items():
        data[f"values-{key}"] = value
    for photo in found.photos.all():
        data[f"photos-credit_{photo.pk}"] = photo.credit
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
