"""Collecting the lists' mail from an IMAP mailbox (`tissage fetch-mail`).

One mailbox receives the mail of every list (a catch-all for the list domain, or
aliases): `inbound.receive` finds the collective from the Delivered-To / X-Original-To /
To / Cc headers. A message leaves the mailbox only once it is stored in the database.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError

from tissage.collectives.models import InboundMail

from . import inbound

logger = logging.getLogger(__name__)
TIMEOUT = 60


class FetchError(Exception):
    """The mailbox could not be read (network, password, mailbox name)."""


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    user: str
    password: str
    mailbox: str
    tls: bool

    @classmethod
    def from_url(cls, url: str) -> MailboxConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps"):
            raise ValueError(f"IMAP URL {url!r}: use imaps://user:password@host:port/MAILBOX.")
        if not parts.hostname or not parts.username:
            raise ValueError("The IMAP URL needs a user and a host: imaps://user:password@host/.")
        tls = parts.scheme == "imaps"
        return cls(
            host=parts.hostname,
            port=parts.port or (993 if tls else 143),
            user=unquote(parts.username),
            password=unquote(parts.password or ""),
            mailbox=unquote(parts.path.lstrip("/")) or "INBOX",
            tls=tls,
        )


@dataclass
class FetchResult:
    stored: list[InboundMail] = field(default_factory=list)
    failed: int = 0

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for mail in self.stored:
            counts[mail.status] = counts.get(mail.status, 0) + 1
        details = ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
        line = f"{len(self.stored)} message(s) received"
        if details:
            line += f" ({details})"
        if self.failed:
            line += f", {self.failed} left in the mailbox for the next round"
        return line


def _connect(config: MailboxConfig) -> imaplib.IMAP4:
    try:
        if config.tls:
            connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
            )
        else:
            connection = imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT)
        connection.login(config.user, config.password)
        typ, data = connection.select(_quote(config.mailbox))
        if typ != "OK":
            raise FetchError(f"Mailbox {config.mailbox!r}: {data!r}")
    except (OSError, imaplib.IMAP4.error) as error:
        raise FetchError(f"IMAP {config.host}:{config.port}: {error}") from error
    return connection


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw_of(data: list) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _remove(connection: imaplib.IMAP4, uid: str, move_to: str) -> None:
    """Take a stored message out of the unread ones, in one step: moved, or marked read and
    deleted by a single STORE. A connection lost before that step leaves it unread, and
    the next round finds it again; `inbound.receive` knows it then (the same bytes), so it
    is neither lost nor posted twice."""
    if move_to:
        capabilities = getattr(connection, "capabilities", ())
        if "MOVE" in capabilities:
            typ, _data = connection.uid("MOVE", uid, _quote(move_to))
            if typ == "OK":
                return
        typ, data = connection.uid("COPY", uid, _quote(move_to))
        if typ != "OK":
            raise imaplib.IMAP4.error(f"COPY to {move_to!r}: {data!r}")
    connection.uid("STORE", uid, "+FLAGS", "(\\Seen \\Deleted)")


def fetch(config: MailboxConfig, *, move_to: str = "") -> FetchResult:
    """One round: every unread message is received, then removed from the mailbox."""
    result = FetchResult()
    connection = _connect(config)
    try:
        typ, data = connection.uid("SEARCH", "UNSEEN")
        if typ != "OK":
            raise FetchError(f"IMAP SEARCH: {data!r}")
        uids = [uid.decode() for uid in data[0].split()] if data and data[0] else []
        for uid in uids:
            # PEEK: the message stays unread until it is safely stored.
            typ, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _raw_of(fetched) if typ == "OK" else None
            if raw is None:
                result.failed += 1
                continue
            try:
                mail = inbound.receive(raw)
            except DatabaseError:
                logger.exception("IMAP message %s not stored; it stays for the next round", uid)
                result.failed += 1
                continue
            result.stored.append(mail)
            _remove(connection, uid, move_to)
        connection.expunge()
    except (OSError, imaplib.IMAP4.error) as error:
        raise FetchError(f"IMAP {config.host}:{config.port}: {error}") from error
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return result
