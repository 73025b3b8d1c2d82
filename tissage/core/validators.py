"""Checks shared by every upload of a picture (logos, covers, news images)."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def validate_image_file(upload: UploadedFile) -> None:
    """Refuse what is not a real, reasonably sized JPEG, PNG or WebP picture."""
    if upload.size and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("This picture is too large (%(size)d MB). The limit is 8 MB."),
            params={"size": upload.size // (1024 * 1024)},
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with Image.open(upload) as image:
            if image.format not in {"JPEG", "PNG", "WEBP"}:
                raise ValidationError(
                    _("Only JPEG, PNG or WebP pictures are accepted."), code="format"
                )
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("This picture has too many pixels."), code="pixels")
            image.verify()
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for broken or hostile files
        raise ValidationError(
            _("This file is not a picture we can read. Send a JPEG, PNG or WebP photo."),
            code="invalid",
        ) from error
    finally:
        upload.seek(position)
