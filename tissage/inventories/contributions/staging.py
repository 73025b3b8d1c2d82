"""Photos kept for a contribution form that is not sent yet (`StagedPhoto`).

On a weak connection, sending photos again is what makes people give up: a photo that
arrived is kept, whatever else the form lacks. Without JavaScript the photos of a form
that comes back with an error are kept; with it, each photo is sent as soon as it is
chosen. Either way they are tied to the form's submission key, at most `MAX_PHOTOS` per
form, and become the item's photos when the form is finally sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction

from tissage.core.photos import PreparedPhoto, photo_files_delete_on_commit

from ..models import Campaign, StagedPhoto

MAX_PHOTOS = 5


@transaction.atomic
def photos_stage(
    *, campaign: Campaign, key: uuid.UUID, photos: Sequence[tuple[str, PreparedPhoto]]
) -> list[StagedPhoto]:
    """Keep these photos (file name, prepared photo) for the form `key`, as many as the
    form still has room for; the rest are not kept (the form said so already)."""
    room = MAX_PHOTOS - StagedPhoto.objects.of_form(campaign, key).count()
    return [
        StagedPhoto.objects.create(
            campaign=campaign,
            key=key,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
            name=name[:200],
        )
        for name, photo in list(photos)[: max(room, 0)]
    ]


@transaction.atomic
def staged_photos_remove(*, campaign: Campaign, key: uuid.UUID, pks: Sequence[int]) -> int:
    """The person took these photos off the form: forget them, files and all."""
    photos = StagedPhoto.objects.of_form(campaign, key).filter(pk__in=pks)
    photo_files_delete_on_commit(list(photos))
    removed, _per_model = photos.delete()
    return removed


def staged_photos_used(*, campaign: Campaign, key: uuid.UUID) -> None:
    """The form was sent: its kept photos are the item's now (copied), forget them."""
    photos = StagedPhoto.objects.of_form(campaign, key)
    photo_files_delete_on_commit(list(photos))
    photos.delete()


class StagedPhotoGone(Exception):
    """A kept photo's file is gone: another sending of the same form used it, or it
    expired (`staged_photos_purge`)."""


def staged_as_prepared(photo: StagedPhoto) -> PreparedPhoto:
    """A kept photo as the photo pipeline gave it, to be saved with the item."""
    stem = uuid.uuid4().hex
    name = photo.image.name or ""
    suffix = name.rsplit(".", 1)[-1] if "." in name else "jpg"
    try:
        image, thumbnail = photo.image.open("rb"), photo.thumbnail.open("rb")
    except OSError as error:
        raise StagedPhotoGone(name) from error
    with image, thumbnail:
        return PreparedPhoto(
            image=ContentFile(image.read(), name=f"{stem}.{suffix}"),
            thumbnail=ContentFile(thumbnail.read(), name=f"{stem}-thumbnail.webp"),
            width=photo.width,
            height=photo.height,
        )


@transaction.atomic
def staged_photos_purge() -> int:
    """Forget photos kept for forms never sent, after 24 hours (`tissage purge`)."""
    expired = StagedPhoto.objects.expired()
    photo_files_delete_on_commit(list(expired))
    removed, _per_model = expired.delete()
    return removed
