"""`tissage fetch-mail` against a real IMAP server in the test process (pymap, in memory)."""

from __future__ import annotations

import asyncio
import imaplib
import io
import threading
from argparse import Namespace
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tissage.collectives.lists.mail.fetch import MailboxConfig
from tissage.collectives.models import InboundMail, Message
from tissage.core.tests.smtp import free_port

from .helpers import eml

pytestmark = pytest.mark.django_db
USER, PASSWORD = "listes", "s3cret"


@pytest.fixture
def imap_port() -> Iterator[int]:
    """pymap's in-memory backend on a free port, in a thread of this process."""
    from pymap.backend.dict import DictBackend
    from pymap.imap import IMAPService

    port = free_port()
    ready = threading.Event()
    control: list = []

    async def serve() -> None:
        args = Namespace(
            host=["127.0.0.1"],
            port=str(port),
            debug=False,
            cert=None,
            key=None,
            tls=False,
            demo_data=False,
            demo_user=USER,
            demo_password=PASSWORD,
            inherited_sockets=None,
            proxy_protocol=None,
            passlib_cfg=None,
        )
        backend, config = await DictBackend.init(args)
        config.apply_context()
        async with AsyncExitStack() as stack:
            await backend.start(stack)
            await IMAPService(backend, config).start(stack)
            stop = asyncio.Event()
            control.append((asyncio.get_running_loop(), stop))
            ready.set()
            await stop.wait()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield port
    loop, stop = control[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)


def imap(port: int) -> imaplib.IMAP4:
    connection = imaplib.IMAP4("127.0.0.1", port)
    connection.login(USER, PASSWORD)
    return connection


def deliver(port: int, *messages: bytes) -> None:
    connection = imap(port)
    for raw in messages:
        connection.append("INBOX", None, None, raw)
    connection.logout()


def remaining(port: int, mailbox: str = "INBOX") -> list[bytes]:
    connection = imap(port)
    connection.select(mailbox)
    _typ, data = connection.uid("SEARCH", "ALL")
    uids = data[0].split()
    connection.logout()
    return uids


def test_fetch_mail_posts_holds_and_empties_the_mailbox(imap_port, parent, people):
    deliver(
        imap_port,
        eml("gmail_reply.eml", parent),
        eml("stranger.eml"),
        eml("outlook_auto_reply.eml", parent),
    )
    out = io.StringIO()

    call_command(
        "fetch_mail",
        "--once",
        "--url",
        f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_port}/INBOX",
        stdout=out,
    )

    statuses = sorted(InboundMail.objects.values_list("status", "reason"))
    assert statuses == [("held", "unknown_sender"), ("ignored", "auto_reply"), ("posted", "")]
    reply = Message.objects.get(message_id="<CAF3kq2Vx8Zb0=p_JtRk5wXn+q1mL9bC@mail.gmail.com>")
    assert reply.parent_id == parent.pk
    assert "3 message(s) received" in out.getvalue()
    assert remaining(imap_port) == []

    # A second round finds nothing new and posts nothing twice.
    call_command(
        "fetch_mail",
        "--once",
        "--url",
        f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_port}/INBOX",
        stdout=io.StringIO(),
    )
    assert InboundMail.objects.count() == 3


def test_fetch_mail_moves_instead_of_deleting(imap_port, parent, people):
    connection = imap(imap_port)
    connection.create("Traites")
    connection.logout()
    deliver(imap_port, eml("thunderbird_reply.eml", parent))

    call_command(
        "fetch_mail",
        "--once",
        "--move-to",
        "Traites",
        "--url",
        f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_port}",
        stdout=io.StringIO(),
    )

    assert remaining(imap_port) == []
    assert len(remaining(imap_port, "Traites")) == 1
    assert InboundMail.objects.get().status == "posted"


def test_a_message_that_cannot_be_stored_stays_in_the_mailbox(
    imap_port, parent, people, monkeypatch
):
    from django.db import DatabaseError

    from tissage.collectives.lists.mail import inbound

    def broken(raw, recipient=None):
        raise DatabaseError("locked")

    monkeypatch.setattr(inbound, "receive", broken)
    deliver(imap_port, eml("gmail_reply.eml", parent))
    out = io.StringIO()

    call_command(
        "fetch_mail",
        "--once",
        "--url",
        f"imap://{USER}:{PASSWORD}@127.0.0.1:{imap_port}/INBOX",
        stdout=out,
    )

    assert "1 left in the mailbox" in out.getvalue()
    assert len(remaining(imap_port)) == 1
    connection = imap(imap_port)
    connection.select("INBOX")
    _typ, unseen = connection.uid("SEARCH", "UNSEEN")
    connection.logout()
    assert len(unseen[0].split()) == 1


def test_wrong_password_is_a_clear_error(imap_port, collective):
    with pytest.raises(CommandError, match=r"IMAP 127\.0\.0\.1"):
        call_command(
            "fetch_mail",
            "--once",
            "--url",
            f"imap://{USER}:wrong@127.0.0.1:{imap_port}/INBOX",
            stdout=io.StringIO(),
        )


def test_no_url_is_a_clear_error(settings):
    settings.LIST_IMAP_URL = ""
    with pytest.raises(CommandError, match="TISSAGE_LIST_IMAP_URL"):
        call_command("fetch_mail", "--once")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://list%40example.org:p%2Fss@mail.example.org/Listes",
            MailboxConfig("mail.example.org", 993, "list@example.org", "p/ss", "Listes", True),
        ),
        ("imap://u:p@localhost:1143", MailboxConfig("localhost", 1143, "u", "p", "INBOX", False)),
    ],
)
def test_mailbox_url(url, expected):
    assert MailboxConfig.from_url(url) == expected


@pytest.mark.parametrize("url", ["pop3://u:p@host", "imaps://host", "nonsense"])
def test_bad_mailbox_url(url):
    with pytest.raises(ValueError):
        MailboxConfig.from_url(url)
