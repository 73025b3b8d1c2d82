"""A real SMTP server in the test process (aiosmtpd), for tests where delivery matters.

The `smtp_server` fixture (in `tissage/pytest_plugin.py`, so every test may ask for it)
points Django's mailer at such a server and yields an `Inbox` of parsed messages, with
the envelope of each (MAIL FROM, RCPT TO).

It plays the platform's own mail server: an address put in `Inbox.dead` is accepted, as
a relay does, and then fails as a remote server would refuse it; the server then writes
the delivery status notification (RFC 3464, as Postfix writes it) to the envelope sender
it was given, in `Inbox.bounces`, for the test to deliver to `tissage mail-in`.
"""

from __future__ import annotations

import email
import email.policy
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification the server sends back: `to` is the envelope
    sender of the failed message (where the server delivers it), `raw` the email."""

    to: str
    failed: str
    raw: bytes


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.senders: list[str] = []  # the envelope sender (MAIL FROM) of each message
        self.dead: set[str] = set()  # addresses whose mailbox does not exist
        self.bounces: list[Bounce] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        self.senders.append(envelope.mail_from)
        for recipient in envelope.rcpt_tos:
            # No notice about a notice (RFC 5321, 6.1: an empty envelope sender).
            if recipient.lower() in self.dead and envelope.mail_from not in ("", "<>"):
                raw = dsn(envelope.mail_from, recipient, envelope.content)
                self.bounces.append(Bounce(envelope.mail_from, recipient, raw))
        return "250 Message accepted for delivery"


def dsn(to: str, failed: str, original: bytes, host: str = "mx.tissage.example") -> bytes:
    """The report Postfix writes when the next server refuses a recipient with
    "550 5.1.1 User unknown": a multipart/report with a text part, the delivery-status
    part and the original message's headers."""
    date = format_datetime(datetime.now(UTC))
    boundary = f"{uuid.uuid4().hex[:10].upper()}.{int(time.time())}/{host}"
    remote = f"mx.{failed.rpartition('@')[2]}"
    answer = f"550 5.1.1 <{failed}>: Recipient address rejected: User unknown"
    headers = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii", "replace")
    text = f"""Return-Path: <>
Received: by {host} (Postfix) id {boundary[:10]}; {date}
Date: {date}
From: MAILER-DAEMON@{host} (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="{boundary}"
Content-Transfer-Encoding: 8bit
Message-Id: {make_msgid(domain=host)}

This is a MIME-encapsulated message.

--{boundary}
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host {host}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<{failed}>: host {remote}[192.0.2.25] said: {answer} (in reply to RCPT TO command)

--{boundary}
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; {host}
X-Postfix-Sender: rfc822; {to}
Arrival-Date: {date}

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Remote-MTA: dns; {remote}
Diagnostic-Code: smtp; {answer}

--{boundary}
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{headers}

--{boundary}--
"""
    return text.replace("\n", "\r\n").encode()


@contextmanager
def running_smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    use_smtp(settings, port)
    try:
        yield inbox
    finally:
        controller.stop()
