"""The photos of a campaign's validated items as a ZIP, sent while it is being made, with
a CREDITS.txt naming each photo's author and licence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify

from tissage.core.archives import Member, file_chunks, zip_stream
from tissage.core.spreadsheets import text_blocks

from ..models import Campaign, Photo
from ..models.campaigns import Licence
from . import exports
from .exports import Dataset


def _photo_rows(campaign: Campaign) -> Iterator[Photo]:
    return (
        Photo.objects.filter(contribution__in=exports.published_items(campaign))
        .select_related("contribution")
        .only(
            "id",
            "image",
            "credit",
            "position",
            "contribution__id",
            "contribution__title",
            "contribution__licence",
        )
        .order_by("contribution_id", "position", "pk")
        .iterator(chunk_size=exports.CHUNK_SIZE)
    )


def _photo_name(photo: Photo) -> str:
    item = photo.contribution
    suffix = PurePosixPath(photo.image.name or "").suffix.lower() or ".jpg"
    return f"{item.pk}-{photo.position + 1}-{slugify(item.title)[:50] or 'photo'}{suffix}"


def photos_zip_stream(campaign: Campaign, dataset: Dataset, base_url: str) -> Iterator[bytes]:
    """The original photos of the validated items (metadata already stripped when they
    were received), after CREDITS.txt: which item, which author, which licence.

    Two passes over the photo rows (one query each), so that the credits come first and
    nothing but the current chunk is held in memory.
    """
    return zip_stream(_members(campaign, dataset, base_url))


def _members(campaign: Campaign, dataset: Dataset, base_url: str) -> Iterator[Member]:
    moment = dataset.exported_at
    yield Member(
        "CREDITS.txt", text_blocks(_credits(campaign, dataset, base_url)), modified_at=moment
    )
    for photo in _photo_rows(campaign):
        try:
            source = photo.image.open("rb")
        except OSError:
            continue
        # Photos are JPEG/PNG/WebP already: compressing them again gains nothing.
        yield Member(_photo_name(photo), file_chunks(source), compress=False, modified_at=moment)


def _credits(campaign: Campaign, dataset: Dataset, base_url: str) -> Iterator[str]:
    """CREDITS.txt, an entry at a time, lines ending in CRLF (read on any system)."""
    permalink = exports.permalinks(campaign, base_url)
    yield _crlf(
        f"Photos de l’inventaire « {dataset.title} » ({dataset.producer})\n"
        f"Source : {dataset.source_url}\n"
        f"Licence : {dataset.licence_name} — {dataset.licence_url}\n"
        "En réutilisant une photo, créditez son auteur ou son autrice comme indiqué"
        " ici.\n\n"
    )
    for photo in _photo_rows(campaign):
        if not photo.image.name or not photo.image.storage.exists(photo.image.name):
            continue  # A file lost from the media folder is left out, not a 500.
        item = photo.contribution
        with translation.override(settings.LANGUAGE_CODE):
            licence = str(Licence(item.licence).label) if item.licence in Licence.values else ""
        yield _crlf(
            f"{_photo_name(photo)}\n  Fiche : {item.title}\n  Auteur : {photo.credit}\n"
            f"  Licence : {licence}\n  Lien : {permalink(item)}\n\n"
        )


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")
