"""Builders and readers shared by the open-data tests (exports and imports)."""

from __future__ import annotations

import csv
import io

from python_calamine import CalamineWorkbook

from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Campaign, Contribution, Photo
from tissage.inventories.tests.helpers import LAT, LON, a_photo

FORMATS = ["csv", "ods", "xlsx", "geojson"]


def public_urls(campaign: Campaign) -> list[str]:
    base = f"/inventaires/{campaign.slug}"
    return [
        f"{base}/donnees/",
        *(f"{base}/export.{fmt}" for fmt in FORMATS),
        f"{base}/merimee.csv",
        f"{base}/photos.zip",
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_rows(data: bytes, sheet: str = "Fiches") -> list[dict[str, object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    header, *rows = book.get_sheet_by_name(sheet).to_python()
    return [dict(zip(header, row, strict=True)) for row in rows]


def about(data: bytes) -> dict[str, object]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {row[0]: row[1] for row in book.get_sheet_by_name("À propos").to_python()}


# Queries ---------------------------------------------------------------------------------


def add_published(campaign: Campaign, count: int) -> None:
    """`count` validated items, each with a photo and a contributor account."""
    category = campaign.categories.first()
    people = UserFactory.create_batch(count)
    created = Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            title=f"Item {n}",
            longitude=LON,
            latitude=LAT,
            licence=campaign.licence,
            consent_at="2024-05-02T10:00:00Z",
            validated_at="2024-05-03T10:00:00Z",
            status=Contribution.Status.VALIDATED,
            contributor=person,
            values={"materiaux": ["calcaire"]},
        )
        for n, person in enumerate(people)
    )
    for item in created:
        photo = a_photo().photo
        Photo.objects.create(
            contribution=item,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=40,
            height=30,
            credit="Jeanne",
        )
