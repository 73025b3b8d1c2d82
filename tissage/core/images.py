"""Re-encoding uploaded pictures: orientation applied, size capped, metadata dropped."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image, ImageOps

MAX_SIDE = 2048


def reencode_image(upload: UploadedFile, *, max_side: int = MAX_SIDE) -> SimpleUploadedFile:
    """Return a new file holding only the pixels: no EXIF, no GPS position, no comments."""
    upload.seek(0)
    with Image.open(upload) as original:
        source_format = original.format or "JPEG"
        image = ImageOps.exif_transpose(original)
        image.thumbnail((max_side, max_side))
        if source_format == "JPEG" and image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        output = io.BytesIO()
        if source_format in {"JPEG", "WEBP"}:
            image.save(output, format=source_format, quality=85)
        else:
            image.save(output, format=source_format)
    name = PurePath(upload.name or "image").stem[:80] + {
        "JPEG": ".jpg",
        "PNG": ".png",
        "WEBP": ".webp",
    }.get(source_format, ".img")
    content_type = Image.MIME.get(source_format, "application/octet-stream")
    return SimpleUploadedFile(name, output.getvalue(), content_type=content_type)
