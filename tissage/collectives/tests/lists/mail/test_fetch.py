"""`tissage fetch-mail` against a real IMAP server in the test process (pymap, in memory),
including connections lost in the middle of a round (issue #12, item 6)."""

from __future__ import annotations

import imaplib
import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tissage.collectives.lists.mail.fetch import MailboxConfig
from tissage.collectives.models import InboundMail, Message

from .helpers import eml
from .imap import PASSWORD, USER, Cut, CuttingProxy, running_imap

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap_port() -> Iterator[int]:
    """pymap's in-memory backend on a free port, in a thread of this process."""
    with running_imap() as port:
        yield port


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


# --- connections lost in the middle of a round (issue #12, item 6) ------------------------


def unseen(port: int) -> int:
    connection = imap(port)
    connection.select("INBOX")
    _typ, data = connection.uid("SEARCH", "UNSEEN")
    connection.logout()
    return len(data[0].split())


def fetch_once(port: int) -> str:
    out = io.StringIO()
    call_command(
        "fetch_mail",
        "--once",
        "--url",
        f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}/INBOX",
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def cut_at(imap_port):
    proxies: list[CuttingProxy] = []

    def make(cut: Cut) -> CuttingProxy:
        proxies.append(CuttingProxy(imap_port, cut))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()


def without_message_id(raw: bytes) -> bytes:
    """A mail client that writes no Message-ID: only its bytes tell it was received."""
    lines = raw.split(b"\n")
    return b"\n".join(line for line in lines if not line.lower().startswith(b"message-id:"))


def posted_bodies() -> list[str]:
    return sorted(
        Message.objects.filter(source=Message.Source.EMAIL).values_list("body", flat=True)
    )


def test_connection_lost_in_the_middle_of_a_message(imap_port, cut_at, parent, people):
    """Half of the second message arrives, then the connection is gone: the first is
    stored, the second is not; the next round stores the second and the third, each once."""
    deliver(
        imap_port,
        eml("gmail_reply.eml", parent),
        eml("stranger.eml"),
        eml("thunderbird_reply.eml", parent),
    )
    proxy = cut_at(Cut(b"UID FETCH", nth=2, when="during", keep=60))

    with pytest.raises(CommandError, match="IMAP"):
        fetch_once(proxy.port)

    assert proxy.done
    assert InboundMail.objects.count() == 1
    assert unseen(imap_port) == 2

    assert "2 message(s) received" in fetch_once(proxy.port)

    statuses = sorted(InboundMail.objects.values_list("status", "reason"))
    assert statuses == [("held", "unknown_sender"), ("posted", ""), ("posted", "")]
    assert Message.objects.filter(source=Message.Source.EMAIL).count() == 2
    assert remaining(imap_port) == []


@pytest.mark.parametrize("move_to", ["", "Traites"])
def test_connection_lost_before_the_mailbox_hears_the_message_was_stored(
    imap_port, cut_at, parent, people, move_to
):
    """The message is stored, then the connection is lost before the server marks it:
    it is still unread there. The next round finds it again and knows it (the same
    bytes): not posted twice, even without a Message-ID, and taken out of the mailbox."""
    if move_to:
        connection = imap(imap_port)
        connection.create(move_to)
        connection.logout()
    deliver(imap_port, without_message_id(eml("gmail_reply.eml", parent)))
    # MOVE, or COPY on a server without MOVE: the command that names the folder.
    command = move_to.encode() if move_to else b"UID STORE"
    proxy = cut_at(Cut(command, when="before"))
    url = f"imap://{USER}:{PASSWORD}@127.0.0.1:{proxy.port}/INBOX"
    options = ["--move-to", move_to] if move_to else []

    with pytest.raises(CommandError, match="IMAP"):
        call_command("fetch_mail", "--once", *options, "--url", url, stdout=io.StringIO())

    assert proxy.done
    assert len(posted_bodies()) == 1
    assert unseen(imap_port) == 1

    call_command("fetch_mail", "--once", *options, "--url", url, stdout=io.StringIO())

    assert len(posted_bodies()) == 1
    assert InboundMail.objects.count() == 1
    assert remaining(imap_port) == []
    if move_to:
        assert len(remaining(imap_port, move_to)) == 1


def test_connection_lost_after_the_server_marked_the_message(imap_port, cut_at, parent, people):
    """The server marks the message read and deleted, but its answer is lost: the next
    round does not fetch it again and expunges it."""
    deliver(
        imap_port,
        without_message_id(eml("gmail_reply.eml", parent)),
        eml("thunderbird_reply.eml", parent),
    )
    proxy = cut_at(Cut(b"UID STORE", when="after"))

    with pytest.raises(CommandError, match="IMAP"):
        fetch_once(proxy.port)

    assert proxy.done
    assert InboundMail.objects.count() == 1
    assert unseen(imap_port) == 1

    assert "1 message(s) received" in fetch_once(proxy.port)

    assert len(posted_bodies()) == 2
    assert InboundMail.objects.count() == 2
    assert remaining(imap_port) == []


def test_the_same_email_to_two_lists_is_two_deliveries(collective, people):
    """Bytes alone do not make a delivery the same: a mail server pipes one email once
    per list it was sent to (Postfix's --recipient), each to be decided."""
    from tissage.collectives.lists.mail.inbound import receive
    from tissage.collectives.tests.factories import CollectiveFactory

    CollectiveFactory(slug="velo")
    raw = without_message_id(eml("stranger.eml"))

    first = receive(raw, recipient="jardins@listes.example.org")
    again = receive(raw, recipient="jardins@listes.example.org")
    other = receive(raw, recipient="velo@listes.example.org")

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert InboundMail.objects.count() == 2
