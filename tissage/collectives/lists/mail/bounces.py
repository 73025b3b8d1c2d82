"""Reading delivery failures: what a bounce sent back to a member's bounce address says.

Mail servers report a failure in a delivery status notification (RFC 3464: a
`multipart/report; report-type=delivery-status` with a `message/delivery-status` part),
which Postfix, Gmail, Outlook/Exchange Online and most others send. Some send their own
text instead (Exim's "Mail delivery failed", qmail's "failure notice", older Exchange's
"Delivery has failed to these recipients"): their SMTP status is then read from the
text, before the copy of the original message they quote.

`report_read` says whether the failure is permanent (a 5.x.x status: the address does
not work, a *hard* bounce), temporary (4.x.x: the server gave up after retrying, a full
mailbox: a *soft* bounce), a mere warning (delivery delayed, still being retried) or not
a failure at all (an automatic reply sent to the bounce address). What follows from it
is `membership.services.bounce_record`.
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message as MimeMessage

from django.utils.html import strip_tags

from .reading import header

# One per-recipient block of a delivery-status part, by how bad it is.
_ORDER = ("none", "warning", "soft", "hard")

# An enhanced status code (RFC 3463), not part of an IP address or a version number.
_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]|\.\d)")
# A basic SMTP reply code at the start of a line or after what introduces one.
_BASIC = re.compile(r"(?:^|[\s:#(\[])([45][0-5]\d)(?=[\s\-])", re.MULTILINE)
# Where a text bounce starts quoting the original message (whose text proves nothing).
_QUOTE_START = re.compile(
    r"^.*(?:"
    r"this is a copy of the message"  # Exim
    r"|below this line is a copy of the message"  # qmail
    r"|original message (?:headers|follows)"  # Exchange, Sendmail
    r"|-+ ?original message ?-+"
    r"|message d'origine"
    r").*$",
    re.IGNORECASE | re.MULTILINE,
)
_HARD_WORDS = re.compile(
    r"user unknown|unknown user|no such (?:user|mailbox|recipient)|does ?n[o']t exist"
    r"|address (?:not found|couldn't be found|could not be found|rejected)"
    r"|recipient (?:not found|address rejected)|mailbox (?:unavailable|not found|disabled)"
    r"|invalid (?:recipient|mailbox)|account (?:has been )?disabled|permanent error"
    r"|adresse (?:inconnue|introuvable|inexistante)|n'existe pas|destinataire inconnu",
    re.IGNORECASE,
)
_SOFT_WORDS = re.compile(
    r"mailbox (?:is )?full|over ?quota|quota exceeded|insufficient (?:disk )?space"
    r"|bo[iî]te (?:aux lettres )?pleine|retry time(?:out)? (?:not reached|exceeded)"
    r"|temporary (?:error|failure)",
    re.IGNORECASE,
)
# What a bounce that is no RFC 3464 report looks like from the outside.
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status notification|has failed|failure)"
    r"|mail delivery (?:failed|failure|system)|returned mail|failure notice"
    r"|delivery failed|non remis|non distribuable|échec de (?:la )?remise"
    r"|message not delivered|could not be delivered",
    re.IGNORECASE,
)
_LINE_ENDS = re.compile(r"<br\s*/?>|</(?:p|div|tr|li|h\d)>", re.IGNORECASE)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon")


class Kind(enum.StrEnum):
    HARD = "hard"  # permanent: the address does not work
    SOFT = "soft"  # temporary failures, given up: a full mailbox, a server down
    WARNING = "warning"  # delayed, still being retried: nothing failed yet
    NONE = "none"  # delivered, relayed, or nothing that says it failed

    @property
    def counts(self) -> bool:
        return self in (Kind.HARD, Kind.SOFT)


@dataclass(frozen=True)
class DeliveryReport:
    kind: Kind
    status: str = ""  # "5.1.1", or a basic SMTP code such as "550"
    recipient: str = ""  # the address that failed, as the server says it
    diagnostic: str = ""  # the receiving server's answer, when the report gives it


def report_read(message: MimeMessage) -> DeliveryReport | None:
    """What a bounce says; None when the email is not a delivery report at all (an
    automatic reply, or a person, writing to a bounce address)."""
    blocks = list(_status_blocks(message))
    if blocks:
        reports = [_read_block(block) for block in blocks]
        return max(reports, key=lambda report: _ORDER.index(report.kind))
    if not _looks_like_bounce(message):
        return None
    return _read_text(message)


# --- RFC 3464 ------------------------------------------------------------------------------


_QUOTED = ("message/rfc822", "text/rfc822-headers")


def _parts(message: MimeMessage) -> Iterator[MimeMessage]:
    """Every part of the email, but none inside a quoted email (message/rfc822): the
    original message a bounce carries proves nothing about the failure. A delivery-status
    part is one part (Python reads its field blocks as sub-messages)."""
    yield message
    if message.get_content_type() in (*_QUOTED, "message/delivery-status"):
        return
    if message.is_multipart():
        for part in message.get_payload():  # type: ignore[union-attr]
            if isinstance(part, MimeMessage) and part.get_content_type() not in _QUOTED:
                yield from _parts(part)


def _status_blocks(message: MimeMessage) -> Iterator[dict[str, str]]:
    """The per-recipient field blocks of every delivery-status part (the first block of
    each part is about the whole message and names no recipient)."""
    for part in _parts(message):
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            payload = part.get_payload()
            blocks = payload if isinstance(payload, list) else []
            fields = [_fields_of(block) for block in blocks if isinstance(block, MimeMessage)]
        elif content_type == "message/global-delivery-status":
            # RFC 6533: UTF-8 fields, which Python leaves as text.
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
            fields = [_fields_of_text(block) for block in re.split(r"\r?\n\s*\r?\n", text)]
        else:
            continue
        for block in fields:
            if "action" in block or "status" in block:
                yield block


def _fields_of(block: MimeMessage) -> dict[str, str]:
    return {name.lower(): " ".join(str(value).split()) for name, value in block.items()}


def _fields_of_text(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
        elif ":" in line:
            name, _colon, value = line.partition(":")
            name = name.strip().lower()
            fields[name] = value.strip()
    return fields


def _without_type(value: str) -> str:
    """ "rfc822; someone@example.org" → "someone@example.org"."""
    return value.partition(";")[2].strip() if ";" in value else value.strip()


def _read_block(block: dict[str, str]) -> DeliveryReport:
    action = block.get("action", "").lower().split(" ")[0]
    status = _status_of(block.get("status", ""))
    diagnostic = _without_type(block.get("diagnostic-code", ""))[:300]
    if not status:
        status = _status_of(diagnostic) or _basic_of(diagnostic)
    recipient = _without_type(block.get("final-recipient") or block.get("original-recipient", ""))
    if action == "failed" or (not action and status[:1] in ("4", "5")):
        # A failure whose status says nothing (or 2.x.x, a server's mistake) is taken as
        # permanent, as the action says it failed.
        kind = Kind.SOFT if status.startswith("4") else Kind.HARD
    elif action == "delayed":
        kind = Kind.WARNING
    else:  # delivered, relayed, expanded
        kind = Kind.NONE
    return DeliveryReport(kind, status, recipient[:254], diagnostic)


def _status_of(text: str) -> str:
    found = _ENHANCED.search(text)
    return ".".join(found.groups()) if found else ""


def _basic_of(text: str) -> str:
    found = _BASIC.search(text)
    return found.group(1) if found else ""


# --- bounces of other shapes --------------------------------------------------------------


def _looks_like_bounce(message: MimeMessage) -> bool:
    if message.get_content_type() == "multipart/report":
        return True
    if header(message, "X-Failed-Recipients"):
        return True
    if header(message, "Return-Path").replace(" ", "") == "<>":
        return True
    sender = header(message, "From").lower()
    if any(name in sender for name in _BOUNCE_SENDERS):
        return True
    return bool(_BOUNCE_SUBJECT.search(header(message, "Subject")))


def _text_of(message: MimeMessage) -> str:
    """The text the bounce wrote itself: its text parts (HTML ones as text when there is
    no plain one), up to where it starts quoting the original message."""
    plain: list[str] = []
    markup: list[str] = []
    for part in _parts(message):
        content_type = part.get_content_type()
        if content_type not in ("text/plain", "text/html") or part.is_multipart():
            continue
        raw = part.get_payload(decode=True)
        if not isinstance(raw, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = raw.decode(charset, "replace")
        except LookupError:
            text = raw.decode("utf-8", "replace")
        (plain if content_type == "text/plain" else markup).append(text)
    text = "\n".join(plain) or html.unescape(strip_tags(_LINE_ENDS.sub("\n", "\n".join(markup))))
    quote = _QUOTE_START.search(text)
    return text[: quote.start()] if quote else text


def _read_text(message: MimeMessage) -> DeliveryReport:
    text = _text_of(message)
    recipient = header(message, "X-Failed-Recipients").split(",")[0].strip()
    status = _status_of(text)
    basic = _basic_of(text)
    diagnostic = ""
    for code in (status, basic):
        if code:
            line = next((line for line in text.splitlines() if code in line), "")
            diagnostic = " ".join(line.split())[:300]
            break
    if status[:1] in ("4", "5"):
        kind = Kind.SOFT if status.startswith("4") else Kind.HARD
    elif basic:
        kind = Kind.SOFT if basic.startswith("4") else Kind.HARD
        status = basic
    elif _SOFT_WORDS.search(text):
        kind = Kind.SOFT
    elif _HARD_WORDS.search(text):
        kind = Kind.HARD
    else:
        kind = Kind.NONE
    return DeliveryReport(kind, status, recipient[:254], diagnostic)
