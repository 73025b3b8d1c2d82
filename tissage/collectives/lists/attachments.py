"""Files attached to list messages (from the web form or an email): pictures and PDF.

Pictures are rebuilt from their pixels (no GPS, no EXIF), as for inventory photos; PDF
files are kept as sent, after checking that they are PDF files. Anything else is refused
with a message that names the file. The one exception is ours: the whole text of an
email too long for the list, kept as a plain text file (`text_attachment`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from tissage.core.photos import photo_reencode

from ..models import Attachment, Message

MAX_ATTACHMENTS = 5
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"RIFF", b"GIF8")
_PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PreparedAttachment:
    filename: str
    content_type: str
    content: bytes


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def too_large(name: str, size: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB.")
        % {
            "name": name,
            "size": _megabytes(size),
            "limit": _megabytes(settings.LIST_MAX_ATTACHMENT_BYTES),
        },
        code="too_large",
    )


def attachment_prepare(filename: str, data: bytes) -> PreparedAttachment:
    """Check one file and return what will be stored, or raise ValidationError (in the
    active language, naming the file)."""
    try:
        name = get_valid_filename(PurePath(filename or "piece-jointe").name)[:150]
    except SuspiciousFileOperation:  # nothing usable left of it: "..", "???", "€€€"
        name = ""
    name = name or "piece-jointe"
    if len(data) > settings.LIST_MAX_ATTACHMENT_BYTES:
        raise too_large(name, len(data))
    head = data[:16]
    if head.startswith(_PDF_MAGIC):
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        return PreparedAttachment(name, "application/pdf", data)
    if head.startswith(_IMAGE_MAGIC) or _is_heif(head):
        upload = SimpleUploadedFile(name, data)
        try:
            photo = photo_reencode(upload)
        except ValidationError as error:
            raise ValidationError(
                _("“%(name)s”: %(problem)s") % {"name": name, "problem": " ".join(error.messages)},
                code="invalid",
            ) from error
        stem = PurePath(name).stem[:100] or "image"
        extension = PurePath(photo.name or ".jpg").suffix
        content_type = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}.get(
            extension, "image/jpeg"
        )
        return PreparedAttachment(stem + extension, content_type, photo.read())
    raise ValidationError(
        _("“%(name)s” is neither a picture (JPEG, PNG, WebP, HEIC) nor a PDF file.")
        % {"name": name},
        code="format",
    )


def text_attachment(filename: str, text: str) -> PreparedAttachment:
    """The whole text of a message too long for the list, as a plain text file (made by
    us, never taken from a sender: people attach pictures and PDF only). Served as a
    download, never shown in the browser. Raises ValidationError beyond the size limit
    of any attachment."""
    data = text.encode("utf-8")
    if len(data) > settings.LIST_MAX_ATTACHMENT_BYTES:
        raise too_large(filename, len(data))
    return PreparedAttachment(filename, "text/plain; charset=utf-8", data)


def attachments_store(message: Message, prepared: list[PreparedAttachment]) -> list[Attachment]:
    stored = []
    for item in prepared:
        attachment = Attachment(
            message=message,
            filename=item.filename,
            content_type=item.content_type,
            size=len(item.content),
        )
        attachment.file.save(item.filename, ContentFile(item.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
