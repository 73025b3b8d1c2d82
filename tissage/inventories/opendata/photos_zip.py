"""The photos of a campaign's validated items as a ZIP, sent while it is being made, with
a CREDITS.txt naming each photo's author and licence."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify

from ..models import Campaign, Photo
from ..models.campaigns import Licence
from . import exports
from .exports import Dataset

_SEND_SIZE = 256 * 1024


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken away as they come: lets `zipfile` write
    a ZIP that is sent while it is being made."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def take(self, at_least: int = 0) -> Iterator[bytes]:
        """What was written so far, once there is `at_least` that much of it."""
        if self.size and self.size >= at_least:
            data = b"".join(self.chunks)
            self.chunks.clear()
            self.size = 0
            yield data


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
    pipe = _Pipe()
    permalink = exports.permalinks(campaign, base_url)
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED) as archive,
    ):
        info = zipfile.ZipInfo("CREDITS.txt", _zip_time(dataset))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as raw:
            credits = io.TextIOWrapper(raw, encoding="utf-8", newline="\r\n")
            credits.write(
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
                licence = Licence(item.licence).label if item.licence in Licence.values else ""
                credits.write(
                    f"{_photo_name(photo)}\n  Fiche : {item.title}\n  Auteur : {photo.credit}\n"
                    f"  Licence : {licence}\n  Lien : {permalink(item)}\n\n"
                )
                credits.flush()
                yield from pipe.take(at_least=_SEND_SIZE)
            credits.flush()
            credits.detach()
        yield from pipe.take()
        for photo in _photo_rows(campaign):
            try:
                source = photo.image.open("rb")
            except OSError:
                continue
            # Photos are JPEG/PNG/WebP already: storing beats compressing them again.
            info = zipfile.ZipInfo(_photo_name(photo), _zip_time(dataset))
            with source, archive.open(info, "w") as dest:
                while chunk := source.read(256 * 1024):
                    dest.write(chunk)
                    yield from pipe.take(at_least=_SEND_SIZE)
    yield from pipe.take()


def _zip_time(dataset: Dataset) -> tuple[int, int, int, int, int, int]:
    moment = dataset.exported_at
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
