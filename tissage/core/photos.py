"""Every picture people send: checked, turned upright, resized, stripped — one pipeline.

Contribution photos, action report photos, the pictures attached to list messages,
project covers, news pictures and organisation logos all go through it. Phones put the
place and time of the shot (GPS, EXIF, XMP) into every photo, and all of these are shown
to others: nothing but the pixels may leave this module. The output is rebuilt from the
pixel data alone, never copied from the upload, under a fresh random name.

The file is checked before it is decoded (size, then type from its first bytes, then
the number of pixels announced by its header), so a huge or hostile file costs nothing.

Forms use `PhotoField` (one picture, for a model's ImageField) or `PhotosField` (several
in one file input); code that gets files elsewhere (an email) calls `photo_prepare` or
`photo_reencode`.
"""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

from tissage.core.files import files_delete_on_commit

HeifImageFile: type[ImageFile.ImageFile] | None
try:
    from pillow_heif import HeifImageFile
except ImportError:  # pragma: no cover - only where no pillow-heif wheel exists
    HeifImageFile = None

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_SIDE = 2048
THUMBNAIL_SIDE = 400
# What the file inputs offer; the pipeline itself trusts only the file's first bytes.
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic"

# Brands of HEIF files holding HEVC pictures (iPhones write "heic"); AVIF uses the same
# container under the "avif" brand, which we do not take.
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1"}

_OUTPUT: dict[str, tuple[str, str, dict[str, Any]]] = {
    # source format: (output format, extension, save options)
    "JPEG": ("JPEG", ".jpg", {"quality": 85, "optimize": True}),
    "HEIF": ("JPEG", ".jpg", {"quality": 85, "optimize": True}),
    "PNG": ("PNG", ".png", {"optimize": False}),
    "WEBP": ("WEBP", ".webp", {"quality": 85}),
}


@dataclass(frozen=True)
class PreparedPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def photo_files_delete_on_commit(photos: Iterable[Any]) -> None:
    """Remove the stored files of photos once their rows are gone for good.

    After the commit only: a rolled-back transaction must not lose kept photos' files.
    """
    files_delete_on_commit(
        (f.storage, f.name) for photo in photos for f in (photo.image, photo.thumbnail)
    )


def validate_photo(upload: File[Any]) -> None:
    """Form field validator: refuse what `photo_prepare` could not turn into a photo.

    Raises ValidationError with code too_large, format, pixels or invalid.
    """
    position = upload.tell()
    try:
        _decode(upload).close()
    finally:
        upload.seek(position)


def photo_prepare(upload: File[Any], *, max_side: int = MAX_SIDE) -> PreparedPhoto:
    """Return the photo re-encoded from its pixels only, upright, at most `max_side` px, and a
    400 px thumbnail. Raises ValidationError like `validate_photo`."""
    pixels, output_format, extension, options = _upright_pixels(upload, max_side)

    thumbnail = pixels.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)

    # A fresh name: the phone's file name can hold a date or a person's name.
    stem = uuid.uuid4().hex
    return PreparedPhoto(
        image=ContentFile(_encode(pixels, output_format, options), name=stem + extension),
        # WebP for every thumbnail: small, and it keeps the transparency of PNG.
        thumbnail=ContentFile(
            _encode(thumbnail, "WEBP", {"quality": 80}), name=f"{stem}-thumbnail.webp"
        ),
        width=pixels.width,
        height=pixels.height,
    )


def photo_reencode(upload: File[Any], *, max_side: int = MAX_SIDE) -> ContentFile:
    """The picture alone, as `photo_prepare` makes it, for what needs no thumbnail (a cover,
    a logo, an attachment). Raises ValidationError like `validate_photo`."""
    pixels, output_format, extension, options = _upright_pixels(upload, max_side)
    return ContentFile(_encode(pixels, output_format, options), name=uuid.uuid4().hex + extension)


class PhotoField(forms.FileField):
    """One picture (a cover, a logo, a news picture), checked and re-encoded when the form
    is cleaned: its value is the new file, at most `max_side` px, without any metadata.

    For a model's ImageField, in a ModelForm's `Meta.field_classes`.
    """

    def __init__(self, *, max_side: int = MAX_SIDE, **kwargs: Any) -> None:
        self.max_side = max_side
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = PHOTO_ACCEPT
        return attrs

    def to_python(self, data: Any) -> ContentFile | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return photo_reencode(upload, max_side=self.max_side)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to `max_count` photos in one file input (phones offer the camera), each checked
    and prepared (`photo_prepare`) when the form is cleaned: its value is a list of
    `PreparedPhoto`. Each refusal names its file."""

    widget = MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT})
    default_error_messages = {"too_many": _("Send at most %(max)d photos.")}

    def __init__(self, *, max_count: int, **kwargs: Any) -> None:
        self.max_count = max_count
        # The photos of the last `clean` that could be used, with their file names, even
        # when others were refused: a form may keep them for its next sending.
        self.accepted: list[tuple[str, PreparedPhoto]] = []
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[PreparedPhoto]:
        self.accepted = []
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        prepared: list[PreparedPhoto] = []
        errors: list[str] = []
        for upload in files:
            try:
                prepared.append(photo_prepare(upload))
            except ValidationError as error:
                errors.extend(f"{upload.name} : {message}" for message in error.messages)
            else:
                self.accepted.append((upload.name or "", prepared[-1]))
        if errors:
            raise ValidationError(errors)
        return prepared


def _upright_pixels(
    upload: File[Any], max_side: int
) -> tuple[Image.Image, str, str, dict[str, Any]]:
    """The upload's pixels alone, upright and at most `max_side` px, with how to encode them
    (format, extension, save options)."""
    with _decode(upload) as decoded:
        source_format = decoded.format or "JPEG"
        upright = ImageOps.exif_transpose(decoded)
    output_format, extension, options = _OUTPUT[source_format]
    upright.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return (
        _pixels_only(upright, keep_alpha=output_format != "JPEG"),
        output_format,
        extension,
        options,
    )


def _decode(upload: File[Any]) -> Image.Image:
    """Open and fully decode the upload, or raise a ValidationError saying what to do.

    Pillow reads a copy of the upload, never the upload itself: closing an image closes
    the file it was read from, even a file it was given, and a refused picture is closed
    before its pixels are read — the caller's upload stays open, where it was (a form
    field validator seeks it back, a form may read it again).
    """
    size = upload.size if upload.size is not None else _measure(upload)
    if size > MAX_PHOTO_BYTES:
        raise _too_large(size)
    upload.seek(0)
    # At most one byte more than the limit, whatever size the upload claimed.
    data = upload.read(MAX_PHOTO_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_PHOTO_BYTES:
        raise _too_large(len(data))
    head = data[:16]
    kind = _sniff(head)
    if kind == "HEIF" and HeifImageFile is None:
        raise ValidationError(
            _(
                "HEIC photos (the iPhone format) cannot be read here yet. Send the photo "
                "as a JPEG: on an iPhone, choose Settings > Camera > Formats > "
                "Most Compatible, or share the photo by email first."
            ),
            code="format",
        )
    if kind is None:
        raise ValidationError(
            _(
                "This file is not a photo we can use. Send a JPEG, PNG, WebP or HEIC "
                "photo (JPEG is the usual format of phone and camera photos)."
            ),
            code="format",
        )

    image: Image.Image | None = None
    try:
        # Pillow only warns about a decompression bomb below twice its limit: refuse it too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open(io.BytesIO(data), kind)
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise _too_many_pixels(image.width * image.height)
            image.load()
    except ValidationError:
        if image is not None:
            image.close()
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(None) from error
    except Exception as error:  # Pillow and libheif raise many kinds for broken files
        if image is not None:
            image.close()
        raise ValidationError(
            _(
                "This photo cannot be read: the file is damaged or incomplete. "
                "Send it again, or send it as a JPEG."
            ),
            code="invalid",
        ) from error
    return image


def _sniff(head: bytes) -> str | None:
    """Tell the format from the first bytes, whatever the file name or content type claim."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "HEIF"
    return None


def _open(source: io.BytesIO, kind: str) -> Image.Image:
    if kind == "HEIF" and HeifImageFile is not None:
        # Used directly rather than registered with Pillow, so that no other upload
        # in the project starts accepting HEIF as a side effect of importing this module.
        return HeifImageFile(source)
    return Image.open(source, formats=[kind])


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        _(
            "This photo is too large (%(size)d MB). The limit is 15 MB: "
            "send a smaller copy, for example by sharing it from your phone "
            "in a reduced size."
        ),
        params={"size": -(-size // (1024 * 1024))},
        code="too_large",
    )


def _too_many_pixels(pixels: int | None) -> ValidationError:
    if pixels is None:
        return ValidationError(
            _(
                "This photo has too many pixels. The limit is 40 million: "
                "send a smaller copy of it."
            ),
            code="pixels",
        )
    return ValidationError(
        _(
            "This photo has too many pixels (%(millions)d million). The limit is 40 million: "
            "send a smaller copy of it."
        ),
        params={"millions": pixels // 1_000_000},
        code="pixels",
    )


def _measure(upload: File[Any]) -> int:
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def _pixels_only(image: Image.Image, *, keep_alpha: bool) -> Image.Image:
    """A new image made of the pixel data alone: no EXIF, XMP, ICC profile or comment."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16-bit greyscale PNG (scans): a plain conversion would clip it to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    has_alpha = image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info
    if keep_alpha and has_alpha:
        mode = "RGBA"
    elif image.mode in {"1", "L"}:
        mode = "L"
    else:
        mode = "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, image_format: str, options: dict[str, Any]) -> bytes:
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()
