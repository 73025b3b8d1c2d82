"""Reading a raw email, without deciding anything: its headers and addresses, its
Message-IDs, a thread subject without "Re:" or "[list]", what it says once quotes and
signature are removed (`content_read`) with its files checked as attachments, and its
plain text for a coordinator to read (`mail_preview`)."""

from __future__ import annotations

import email
import email.policy
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.message import Message as MimeMessage
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from tissage.collectives.lists.attachments import (
    MAX_ATTACHMENTS,
    PreparedAttachment,
    attachment_prepare,
)
from tissage.collectives.models import Collective

from .replyparse import html_to_text, reply_text, unflow

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|fw|tr|réf\.?|ref\.?|aw|wg|sv|antw)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE
)
# Signatures of signed mail: the list shows the words, not the cryptography.
_SILENT_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-keys",
}
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw|tr)\s*:", re.IGNORECASE)


@dataclass
class Content:
    """What an email says once its quotes are removed, and its files."""

    body: str
    full_text: str
    attachments: list[PreparedAttachment] = field(default_factory=list)


# --- reading the raw message -------------------------------------------------------------


def parse(raw: bytes) -> EmailMessage | None:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:  # the parser is lenient; anything it still cannot read is malformed
        return None
    assert isinstance(message, EmailMessage)
    return message


def no_nul(text: str) -> str:
    """Without NUL characters, which PostgreSQL text columns refuse (a mail holding one
    would otherwise never be stored, and be retried forever)."""
    return text.replace("\x00", "")


def header(message: MimeMessage, name: str) -> str:
    try:
        value = message.get(name)
        return no_nul(" ".join(str(value).split())) if value is not None else ""
    except Exception:  # a header so broken that even its decoding fails
        return ""


def addresses(message: MimeMessage, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs of an address header, best effort."""
    values = []
    try:
        for value in message.get_all(name, []):
            values.append(str(value))
    except Exception:
        return []
    return [
        (no_nul(display), no_nul(address))
        for display, address in getaddresses(values)
        if "@" in address
    ]


def headers_only(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end != -1:
            return raw[: end + len(separator)]
    return raw[:65536]


def message_ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value)


def subject_clean(subject: str, collective: Collective | None = None) -> str:
    """The thread subject from a mail subject: without "Re:", "TR:", "[Collective]"…"""
    tags = [f"[{collective.name}]".lower(), f"[{collective.slug}]".lower()] if collective else []
    previous = None
    subject = " ".join(subject.split())
    while previous != subject:
        previous = subject
        subject = _SUBJECT_PREFIX.sub("", subject, count=1)
        for tag in tags:
            if subject.lower().startswith(tag):
                subject = subject[len(tag) :].strip()
    return subject


# --- content ------------------------------------------------------------------------------


# Charsets that mail clients write for Windows-1252 text (as browsers know): decoding it
# as such keeps "œ", "€" and curly quotes, and is identical for every Latin-1 letter.
_WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def text_decode(data: bytes, declared: str = "") -> str:
    """Text from bytes: the declared charset, then UTF-8, then Windows-1252 (which reads
    any byte), never an error.

    Bytes that are valid UTF-8 and not plain ASCII are read as UTF-8 whatever the label
    says: mail clients and webmails mislabel UTF-8 text (as ISO-8859-1, Big5…), while text
    really in an 8-bit or East Asian charset is almost never valid UTF-8 as well (a few
    characters at most; docs/decisions.md). UTF-16 and UTF-32 are taken as labelled."""
    charset = declared.strip().lower()
    if charset in _WINDOWS_1252_LABELS:
        charset = "windows-1252"
    if not data.isascii() and not charset.startswith(("utf-16", "utf-32", "utf16", "utf32")):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return data.decode(candidate)
            except (LookupError, UnicodeDecodeError):  # an unknown name, or not that charset
                continue
    return data.decode("windows-1252", errors="replace")


def _text_of(part: MimeMessage) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = text_decode(payload, part.get_content_charset() or "")
    return no_nul(text.replace("\r\n", "\n"))


def attachment_filename(part: MimeMessage) -> str | None:
    """The name of an attached file, however it is written: RFC 2231 (`filename*=`),
    RFC 2047 words, or raw 8-bit bytes in the header (UTF-8 or Windows-1252), which the
    parser turns into "\ufffd" (then dropped from the stored name: "Krelem.pdf")."""
    name = part.get_filename()
    if name is None or "\ufffd" not in name:
        return name
    for header_name, parameter in (("content-disposition", "filename"), ("content-type", "name")):
        for key, value in part.raw_items():
            if key.lower() != header_name or not isinstance(value, str):
                continue
            text = text_decode(value.encode("ascii", "surrogateescape"))
            try:
                params = email.policy.default.header_factory(header_name, text).params
            except Exception:  # a header broken beyond reading: keep the parser's name
                params = {}
            found = params.get(parameter)
            if found and "\ufffd" not in found:
                return str(found)
    return name


def _attachment_parts(message: EmailMessage, body_parts: list[MimeMessage]) -> list[MimeMessage]:
    parts: list[MimeMessage] = []
    for part in message.walk():
        if part.is_multipart() or any(part is body for body in body_parts):
            continue
        content_type = part.get_content_type()
        if content_type in _SILENT_TYPES or content_type == "message/rfc822":
            continue
        is_attachment = part.get_content_disposition() == "attachment" or bool(part.get_filename())
        if part.get_content_maintype() == "text" and not is_attachment:
            continue  # the other alternative of the body, or a forwarded message's text
        parts.append(part)
    return parts


def _prepare_attachments(parts: list[MimeMessage]) -> tuple[list[PreparedAttachment], list[str]]:
    prepared: list[PreparedAttachment] = []
    notes: list[str] = []
    for number, part in enumerate(parts, start=1):
        filename = (
            attachment_filename(part)
            or f"{part.get_content_maintype()}-{number}.{part.get_content_subtype()}"
        )
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        with translation.override("fr"):
            if len(prepared) >= MAX_ATTACHMENTS:
                reason = _("at most %(count)s files per message") % {"count": MAX_ATTACHMENTS}
            else:
                try:
                    prepared.append(attachment_prepare(filename, data))
                    continue
                except ValidationError as error:
                    reason = " ".join(error.messages)
            notes.append(
                _("(Attachment “%(name)s” not published: %(reason)s)")
                % {"name": filename, "reason": reason}
            )
    return prepared, notes


def content_read(message: EmailMessage) -> Content:
    """The body (Markdown, quotes and signature removed) and the files of a mail."""
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",)) if plain is None else None
    body_parts: list[MimeMessage] = [part for part in (plain, html) if part is not None]
    if plain is not None:
        text = _text_of(plain)
        if str(plain.get_param("format", "")).lower() == "flowed":
            text = unflow(text, delsp=str(plain.get_param("delsp", "")).lower() == "yes")
        # The HTML alternative of the same body is not an attachment.
        alternative = message.get_body(preferencelist=("html",))
        if alternative is not None:
            body_parts.append(alternative)
    elif html is not None:
        text = html_to_text(_text_of(html))
    else:
        text = ""
    full_text = text.strip()
    # A forwarded message is what the sender wants to share: keep it whole.
    forwarded = bool(_FORWARD_SUBJECT.match(header(message, "Subject")))
    body = full_text if forwarded else reply_text(text)
    prepared, notes = _prepare_attachments(_attachment_parts(message, body_parts))
    if notes:
        body = "\n\n".join([body, *notes]).strip()
        full_text = "\n\n".join([full_text, *notes]).strip()
    return Content(body=body, full_text=full_text, attachments=prepared)


def body_text(message: EmailMessage) -> str:
    """The whole text of an email's body, quotes included: its plain text, or its HTML
    reduced to text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _text_of(part)
    return html_to_text(text) if part.get_content_type() == "text/html" else text


# What a coordinator reads of a held email on the moderation page, at most.
PREVIEW_CHARS = 2000


def mail_preview(raw: bytes | memoryview) -> str:
    """The plain text of an email, for reading only: an HTML-only email is reduced to its
    text (never rendered), and an unreadable one says so."""
    try:
        parsed = email.message_from_bytes(bytes(raw), policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
        if part is None:
            return ""
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return ""
        text = text_decode(payload, part.get_content_charset() or "")
        if part.get_content_type() == "text/html":
            text = html.unescape(strip_tags(text))
    except Exception:  # any broken email: the coordinator still sees the rest
        return _("(the text of this email cannot be read)")
    text = text.strip()
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS].rstrip() + "…"
    return text
