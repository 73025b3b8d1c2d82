"""Sample emails and helpers shared by the list-mail tests (fixtures: conftest.py)."""

from __future__ import annotations

import email.message
import io
from pathlib import Path

from django.core.management import call_command
from PIL import Image

from tissage.collectives.lists import services
from tissage.collectives.models import InboundMail, Message
from tissage.collectives.tests.factories import MembershipFactory
from tissage.core.tests.factories import UserFactory

MAIL_DIR = Path(__file__).parent / "samples"
DOMAIN = "listes.example.org"
LIST = f"jardins@{DOMAIN}"
# The platform's address in the outgoing-mail tests.
SITE = "https://tissage.example"
# An HTML-only email from a stranger, with a script in it.
HTML_ONLY = (
    b"From: Inconnu <inconnu@example.net>\r\n"
    b"To: collectif@example.org\r\n"
    b"Subject: Proposition\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>Bonjour <b>&agrave; tous</b></p><script>alert(1)</script>\r\n"
)


def member(collective, email, **kwargs):
    user = UserFactory(email=email)
    MembershipFactory(collective=collective, user=user, **kwargs)
    return user


def eml(name: str, parent: Message | None = None, **extra: str) -> bytes:
    raw = (MAIL_DIR / name).read_bytes().replace(b"{{LIST}}", LIST.encode())
    if parent is not None:
        raw = raw.replace(b"{{PARENT}}", parent.message_id.encode())
    for key, value in extra.items():
        raw = raw.replace(b"{{" + key.encode() + b"}}", value.encode())
    return raw


def mail_in(raw: bytes, *args: str) -> tuple[InboundMail, str]:
    out = io.StringIO()
    call_command("mail_in", *args, stdin=io.BytesIO(raw), stdout=out)
    return InboundMail.objects.latest("pk"), out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = "iPhone 15"  # Model
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def start(collective, membership, *, subject="Marché de producteurs", body="", **kwargs):
    return services.thread_start(
        collective=collective,
        author=membership.user,
        membership=membership,
        subject=subject,
        body=body or "**Bonjour** à tous,\n\nqui vient samedi ?",
        **kwargs,
    )


def by_recipient(smtp_server) -> dict[str, email.message.EmailMessage]:
    return {
        rcpt[0]: message
        for rcpt, message in zip(smtp_server.recipients, smtp_server.messages, strict=True)
    }
