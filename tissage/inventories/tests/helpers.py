"""Builders shared by the inventory tests: a heritage campaign on a test commune,
photos, items submitted (or published) through the services; and the checks of a page's
answer for a role and of its query count."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from tissage.core.photos import PreparedPhoto
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, _square
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.contributions.services import (
    PhotoInput,
    contribution_submit,
)
from tissage.inventories.models import Campaign, Category, Contribution, Photo
from tissage.inventories.moderation.services import contribution_decide

# A point inside the test commune of `heritage_campaign` (a 0.03° square from 4.35, 43.83).
LON, LAT = 4.365, 43.845


def jpeg_bytes(size: tuple[int, int] = (40, 30), colour: str = "grey") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def a_photo(credit: str = "Jeanne D.") -> PhotoInput:
    data = jpeg_bytes()
    prepared = PreparedPhoto(
        image=ContentFile(data, name="photo.jpg"),
        thumbnail=ContentFile(data, name="thumb.jpg"),
        width=40,
        height=30,
    )
    return PhotoInput(photo=prepared, credit=credit)


def nimes_commune():
    return CommuneFactory(insee_code="30189", name="Nîmes", geometry=_square(4.35, 43.83, 0.03))


def heritage_campaign(commune=None, project=None, **changes: Any) -> Campaign:
    return campaign_create(
        project=project or ProjectFactory(),
        title=changes.pop("title", "Petit patrimoine des Garrigues"),
        template=Campaign.Template.HERITAGE,
        communes=[commune or nimes_commune()],
        **changes,
    )


def lavoir(campaign: Campaign) -> Category:
    return campaign.categories.get(merimee_denomination="lavoir")


def submit(campaign: Campaign, **changes: Any) -> Contribution:
    """Submit a lavoir at (LON, LAT) with one photo; `changes` override any argument."""
    if "contributor" not in changes and "entered_by" not in changes:
        changes.setdefault("guest_name", "Jeanne")
        changes.setdefault("guest_email", "jeanne@example.org")
    arguments = {
        "campaign": campaign,
        "category": lavoir(campaign),
        "title": "Lavoir",
        "lon": LON,
        "lat": LAT,
        "photos": [a_photo()],
    }
    return contribution_submit(**{**arguments, **changes})


def published(campaign: Campaign, moderator, **changes: Any) -> Contribution:
    """An item submitted by a signed-in person and validated by `moderator`."""
    from tissage.core.tests.factories import UserFactory

    changes.setdefault("contributor", UserFactory())
    item = submit(campaign, **changes)
    contribution_decide(item=item, moderator=moderator, status=Contribution.Status.VALIDATED)
    item.refresh_from_db()
    return item


def queries_for(client, url: str) -> int:
    """How many queries a page makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def photo_row(item: Contribution, position: int = 0) -> Photo:
    """An unsaved photo row of a published item, its files named after the item (never
    written: for tests of queries and plans, which read only the rows)."""
    return Photo(
        contribution=item,
        image=f"inventories/photos/{item.pk}-{position}.jpg",
        thumbnail=f"inventories/thumbnails/{item.pk}-{position}.jpg",
        width=800,
        height=600,
        credit="Anne",
        position=position,
    )
