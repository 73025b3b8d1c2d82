"""Incoming list mail: `tissage mail-in` with raw messages modelled on real clients."""

from __future__ import annotations

import io
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.urls import reverse
from PIL import Image

from tissage.collectives import tokens
from tissage.collectives.lists.mail import inbound
from tissage.collectives.lists.services import BODY_MAX
from tissage.collectives.models import Attachment, CollectiveMembership, InboundMail, Message

from .dnszone import DkimKey
from .helpers import DOMAIN, LIST, eml, jpeg_with_exif, mail_in, member

pytestmark = pytest.mark.django_db


# --- replies from mail clients land under the right message, without quotes ----------------


def test_gmail_reply_is_threaded_without_quote(parent, people):
    mail, out = mail_in(eml("gmail_reply.eml", parent))

    assert mail.status == InboundMail.Status.POSTED
    reply = mail.message
    assert reply.thread_id == parent.thread_id
    assert reply.parent_id == parent.pk
    assert reply.author == people["bruno"]
    assert reply.source == Message.Source.EMAIL
    assert reply.message_id == "<CAF3kq2Vx8Zb0=p_JtRk5wXn+q1mL9bC@mail.gmail.com>"
    assert reply.body.startswith("Oui, je peux apporter des chaises pliantes et une table.")
    assert "On se retrouve à 14 h devant la mairie ?" in reply.body
    assert "a écrit" not in reply.body
    assert "Qui peut aider" not in reply.body
    assert mail.sender == "bruno.lefevre@gmail.com"
    assert mail.sender_name == "Bruno Lefèvre"
    assert mail.subject == "Re: [Jardins partagés] Atelier vélo samedi"
    assert f"posted (jardins): message {reply.pk} in thread {parent.thread_id}" in out
    parent.thread.refresh_from_db()
    assert parent.thread.published_count == 2


def test_outlook_reply_drops_signature_and_original(parent, people):
    mail, _out = mail_in(eml("outlook_reply.eml", parent))

    reply = mail.message
    assert reply.parent_id == parent.pk
    assert reply.author == people["claire"]
    assert "Je serai là dès 13 h 30 avec la caisse à outils." in reply.body
    for gone in ("Cordialement", "06 12 34 56 78", "De :", "Envoyé :", "Qui peut aider"):
        assert gone not in reply.body


def test_thunderbird_bottom_post_keeps_the_question_above_the_answer(parent, people):
    mail, _out = mail_in(eml("thunderbird_reply.eml", parent))

    body = mail.message.body
    assert mail.message.parent_id == parent.pk
    # format=flowed: the line cut by the client is whole again.
    assert "depuis le garage de la rue des Écoles jusqu'à la place." in body
    assert "À samedi !" in body
    # The quoted question stays above the answer (issue #12, item 1), without its
    # attribution line nor its own signature.
    assert body.startswith("> Bonjour à toutes et tous,")
    assert "> Qui peut aider samedi pour l'atelier vélo ?\n\nJ'ai une remorque" in body
    for gone in ("a écrit", "> --", "> Alice", "06 98 76 54 32", "-- ", "Denis Petit"):
        assert gone not in body


def test_the_quoted_question_of_a_bottom_post_is_folded_on_the_thread_page(client, parent, people):
    mail, _out = mail_in(eml("thunderbird_reply.eml", parent))
    client.cookies["django_language"] = "en"  # French unless chosen (core.middleware)

    page = client.get(
        reverse("collectives:thread", args=[parent.collective.slug, parent.thread_id])
    )

    assert page.status_code == 200
    reply = page.text.split(f'id="m{mail.message.pk}-author"', 1)[1]
    folded, after = reply.split("</details>", 1)
    assert '<details class="quoted"><summary>Quoted text</summary><blockquote>' in folded
    assert "Qui peut aider samedi pour l'atelier vélo ?" in folded.split("<details", 1)[1]
    assert "J'ai une remorque" in after.split("</article>", 1)[0]


def test_html_only_reply_becomes_markdown_without_quote(parent, people):
    mail, _out = mail_in(eml("html_only_reply.eml", parent))

    body = mail.message.body
    assert mail.message.author == people["emma"]
    assert "Je m’occupe du **café** et des gâteaux." in body
    assert "- deux thermos" in body
    assert "- des gobelets" in body
    assert "Qui peut aider" not in body
    assert "<" not in body


def test_iso_8859_1_reply_keeps_its_accents(parent, people):
    mail, _out = mail_in(eml("latin1_reply.eml", parent))

    body = mail.message.body
    assert mail.sender_name == "François Garçon"
    assert mail.message.author == people["francois"]
    # Windows-1252 as clients really send it under that label: € and œ survive.
    assert "Très bonne idée ! J'ai réservé la salle des fêtes : ça coûte 50 €" in body
    assert "L'œuvre de Noël continue." in body
    assert "Bonjour à toutes" not in body


def test_reply_with_photo_becomes_an_attachment_without_exif(parent, people):
    photo = jpeg_with_exif()
    assert b"iPhone 15" in photo
    message = EmailMessage()
    message["From"] = "Bruno Lefèvre <bruno.lefevre@gmail.com>"
    message["To"] = LIST
    message["Subject"] = "Re: [Jardins partagés] Atelier vélo samedi"
    message["Message-ID"] = "<CAF3kq2Vx8Zb0=photo@mail.gmail.com>"
    message["In-Reply-To"] = parent.message_id
    message["References"] = parent.message_id
    message.set_content("Voici la remorque.\n\nEnvoyé de mon iPhone\n")
    message.add_attachment(photo, maintype="image", subtype="jpeg", filename="IMG_2041.jpeg")
    message.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="x-msdownload", filename="virus.exe"
    )

    mail, _out = mail_in(message.as_bytes())

    reply = mail.message
    assert reply.parent_id == parent.pk
    assert reply.body.startswith("Voici la remorque.")
    assert "iPhone" not in reply.body.split("\n\n")[0]
    attachment = Attachment.objects.get(message=reply)
    assert attachment.content_type == "image/jpeg"
    stored = attachment.file.read()
    assert b"iPhone 15" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    # The refused file is named in the message (in French once the catalogue has it).
    assert reply.body.split("\n\n")[-1].startswith(
        ("(Pièce jointe « virus.exe »", "(Attachment “virus.exe”")
    )


def test_new_thread_from_a_member(collective, people):
    mail, _out = mail_in(eml("new_thread_member.eml"))

    message = mail.message
    assert message.parent is None
    assert message.thread.subject == "Grainothèque : qui a des graines de tomates ?"
    assert "- des tomates cerises\n- des haricots" in message.body


def test_signed_reply_address_routes_without_headers(parent, people):
    address = tokens.reply_address(parent.collective, parent.thread_id, people["bruno"].pk)
    raw = eml("stranger.eml").replace(
        b"g.mercier@exemple-entreprise.fr", b"bruno.lefevre@gmail.com"
    )

    mail, _out = mail_in(raw, "--recipient", address)

    assert mail.status == InboundMail.Status.POSTED
    assert mail.message.thread_id == parent.thread_id
    assert mail.recipient == address


def test_a_reply_address_takes_mail_from_its_member_only(parent, people):
    # Bruno's copy, forwarded to Claire (or read by someone else): her reply to his
    # address is not posted as a reply of his, nor of hers (issue #11, point 2).
    address = tokens.reply_address(parent.collective, parent.thread_id, people["bruno"].pk)
    raw = eml("stranger.eml").replace(
        b"g.mercier@exemple-entreprise.fr", b"claire.dubois@outlook.fr"
    )

    mail, out = mail_in(raw, "--recipient", address)

    assert (mail.status, mail.reason) == ("held", "reply_address")
    assert mail.message is None
    assert parent.thread.messages.count() == 1
    assert "held: reply_address (jardins)" in out


def test_a_reply_address_needs_the_sender_proven_too(parent, people, dns_zone):
    # The From matches the address, but anyone can write that From: gmail.com signs
    # its mail, and this one is not signed.
    dns_zone.dmarc("gmail.com")
    address = tokens.reply_address(parent.collective, parent.thread_id, people["bruno"].pk)
    raw = eml("stranger.eml").replace(
        b"g.mercier@exemple-entreprise.fr", b"bruno.lefevre@gmail.com"
    )

    mail, _out = mail_in(raw, "--recipient", address)

    assert (mail.status, mail.reason, mail.verification) == ("held", "unverified", "missing")


@pytest.mark.parametrize(
    "local_part",
    [
        "jardins+{thread}.{user}.AAAAAAAAAAAA",  # a forged signature
        "jardins+{thread}.{other}.{signature}",  # Bruno's signature, another member
        "jardins+{thread}.{signature}",  # the older form, which named no member
    ],
)
def test_a_reply_address_that_is_not_ours_routes_by_headers(parent, people, local_part):
    bruno, claire = people["bruno"], people["claire"]
    signature = tokens.reply_address(parent.collective, parent.thread_id, bruno.pk)
    signature = signature.split("@")[0].rsplit(".", 1)[1]
    local = local_part.format(
        thread=parent.thread_id, user=bruno.pk, other=claire.pk, signature=signature
    )

    read = tokens.reply_address_read(local)
    mail, _out = mail_in(eml("new_thread_member.eml"), "--recipient", f"{local}@{DOMAIN}")

    assert read == tokens.ReplyAddress("jardins")
    # Alice's mail names no thread in its headers: a new thread, posted as hers.
    assert mail.status == InboundMail.Status.POSTED
    assert mail.message.thread_id != parent.thread_id


def test_reply_to_a_reply_goes_under_that_reply(parent, people):
    first, _out = mail_in(eml("gmail_reply.eml", parent))
    raw = eml("thunderbird_reply.eml", parent).replace(
        b"In-Reply-To: " + parent.message_id.encode(),
        b"In-Reply-To: " + first.message.message_id.encode(),
    )

    mail, _out = mail_in(raw)

    assert mail.message.parent_id == first.message.pk


def test_redelivered_mail_is_not_posted_twice(parent, people):
    first, _out = mail_in(eml("gmail_reply.eml", parent))
    # The same bytes again (a mail server retrying): the same delivery, decided once.
    again, out = mail_in(eml("gmail_reply.eml", parent))
    assert again.pk == first.pk
    assert InboundMail.objects.count() == 1
    assert "posted" in out
    # The same email by another way (one more Received line): known by its Message-ID.
    relayed = b"Received: from relay2.example.net\r\n" + eml("gmail_reply.eml", parent)
    other, out = mail_in(relayed)

    assert other.status == InboundMail.Status.IGNORED
    assert other.reason == ""
    assert Message.objects.filter(thread=parent.thread).count() == 2
    assert "ignored" in out


# --- not posted: robots, strangers, broken mail ---------------------------------------------


def test_outlook_out_of_office_is_ignored_and_not_answered(
    parent, people, django_capture_on_commit_callbacks
):
    django_mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mail, _out = mail_in(eml("outlook_auto_reply.eml", parent))

    assert (mail.status, mail.reason) == ("ignored", "auto_reply")
    assert mail.message is None
    assert Message.objects.filter(thread=parent.thread).count() == 1
    assert django_mail.outbox == []


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "X-Autoreply: yes",
        "X-Autorespond: Absence",
        "Precedence: bulk",
        "Precedence: auto_reply",
    ],
)
def test_automatic_mail_headers_are_ignored(parent, people, header):
    raw = eml("gmail_reply.eml", parent).replace(
        b"MIME-Version", header.encode() + b"\r\nMIME-Version", 1
    )

    mail, _out = mail_in(raw)

    assert (mail.status, mail.reason) == ("ignored", "auto_reply")


def test_auto_submitted_no_is_a_person(parent, people):
    raw = eml("gmail_reply.eml", parent).replace(
        b"MIME-Version", b"Auto-Submitted: no\r\nMIME-Version", 1
    )

    assert mail_in(raw)[0].status == InboundMail.Status.POSTED


def test_bounce_is_ignored(collective):
    mail, _out = mail_in(eml("bounce.eml"))

    assert (mail.status, mail.reason) == ("ignored", "bounce")
    assert mail.collective == collective


def test_our_own_copies_are_a_loop(parent, people):
    raw = eml("gmail_reply.eml", parent).replace(
        b"MIME-Version", f"List-Id: Jardins <jardins.{DOMAIN}>\r\nMIME-Version".encode(), 1
    )

    assert (mail_in(raw)[0].reason) == "loop"


def test_stranger_is_held_not_posted(collective, parent):
    mail, out = mail_in(eml("stranger.eml"))

    assert (mail.status, mail.reason) == ("held", "unknown_sender")
    assert mail.collective == collective
    assert mail.message is None
    assert not Message.objects.filter(body__contains="compost").exists()
    assert "held: unknown_sender (jardins)" in out
    assert bytes(mail.raw) == eml("stranger.eml")


def test_pending_member_is_held(collective):
    member(
        collective, "g.mercier@exemple-entreprise.fr", status=CollectiveMembership.Status.PENDING
    )

    mail, _out = mail_in(eml("stranger.eml"))

    assert (mail.status, mail.reason) == ("held", "pending_member")


def test_first_post_of_new_member_is_held_and_linked(collective):
    collective.hold_first_posts = True
    collective.save()
    member(collective, "alice.martin@example.net", trusted=False)

    mail, _out = mail_in(eml("new_thread_member.eml"))

    assert (mail.status, mail.reason) == ("held", "first_post")
    assert mail.message.status == Message.Status.HELD


def test_only_quotes_from_a_member_is_held_as_empty(parent, people):
    raw = eml("stranger.eml").replace(
        b"g.mercier@exemple-entreprise.fr", b"bruno.lefevre@gmail.com"
    )
    head, _sep, _body = raw.partition(b"\r\n\r\n")
    raw = head + b"\r\n\r\n> Bonjour,\r\n> un message cit\xc3\xa9\r\n"

    mail, _out = mail_in(raw)

    assert (mail.status, mail.reason) == ("held", "empty")


def test_no_list_address_is_ignored(collective):
    raw = eml("stranger.eml").replace(LIST.encode(), b"inconnu@" + DOMAIN.encode())

    mail, _out = mail_in(raw)

    assert (mail.status, mail.reason) == ("ignored", "no_list")
    assert mail.collective is None


@pytest.mark.parametrize("raw", [b"", b"\x00\x01\xff garbage", None])
def test_malformed_mail_is_stored_and_ignored(collective, raw):
    raw = eml("malformed.eml") if raw is None else raw

    mail, _out = mail_in(raw)

    assert (mail.status, mail.reason) == ("ignored", "malformed")
    assert bytes(mail.raw) == raw


def test_oversized_mail_keeps_headers_and_tells_the_sender(
    collective, people, settings, django_capture_on_commit_callbacks, dns_zone
):
    settings.LIST_MAX_MESSAGE_BYTES = 2000
    key = DkimKey("example.net")
    dns_zone.dkim_key(key)
    raw = key.sign(eml("new_thread_member.eml") + b"x" * 3000)
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mail, _out = mail_in(raw)

    assert (mail.status, mail.reason) == ("ignored", "too_large")
    # Signed by the sender's domain: the notice goes to the sender, not to a forged From.
    assert mail.verification == InboundMail.Verification.DKIM
    assert bytes(mail.raw).startswith(b"DKIM-Signature")
    assert len(mail.raw) < 2000
    assert b"tomates cerises" not in bytes(mail.raw)
    assert [m.to for m in django_mail.outbox] == [["alice.martin@example.net"]]
    assert "Jardins partagés" in django_mail.outbox[0].subject

    # Delivered again: told once. From a stranger (a From is easily forged): never.
    with django_capture_on_commit_callbacks(execute=True):
        again, _out = mail_in(raw)
        stranger, _out = mail_in(
            raw.replace(b"alice.martin@example.net", b"inconnu@example.com").replace(
                b"Message-ID: <", b"Message-ID: <other-"
            )
        )
    assert (again.reason, stranger.reason) == ("too_large", "too_large")
    assert len(django_mail.outbox) == 1


def test_oversized_mail_from_an_unproven_address_is_not_answered(
    collective, people, settings, django_capture_on_commit_callbacks, dns_zone
):
    # Anyone can put a member's address in From: a notice would go to an innocent
    # (backscatter). example.net signs nothing here; gmail.com publishes DMARC.
    settings.LIST_MAX_MESSAGE_BYTES = 2000
    dns_zone.dmarc("gmail.com")
    unsigned = eml("new_thread_member.eml") + b"x" * 3000
    forged = unsigned.replace(b"alice.martin@example.net", b"bruno.lefevre@gmail.com")
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first, _out = mail_in(unsigned)
        second, _out = mail_in(forged.replace(b"Message-ID: <", b"Message-ID: <other-"))

    assert (first.reason, first.verification) == ("too_large", "unsigned")
    assert (second.reason, second.verification) == ("too_large", "missing")
    assert django_mail.outbox == []


def test_oversized_auto_reply_is_not_answered(
    collective, settings, django_capture_on_commit_callbacks
):
    settings.LIST_MAX_MESSAGE_BYTES = 500
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        mail, _out = mail_in(eml("outlook_auto_reply.eml", PARENT="<x@y>") + b"x" * 1000)

    assert mail.reason == "auto_reply"
    assert django_mail.outbox == []


def test_database_error_asks_the_mail_server_to_retry(collective, monkeypatch):
    def broken(raw, recipient=None):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(inbound, "receive", broken)

    with pytest.raises(CommandError) as error:
        call_command("mail_in", stdin=io.BytesIO(eml("stranger.eml")), stdout=io.StringIO())

    assert error.value.returncode == 75


def test_a_bug_of_ours_keeps_the_mail_for_a_coordinator(collective, people, monkeypatch):
    def broken(message):
        raise RuntimeError("bug")

    monkeypatch.setattr(inbound, "content_read", broken)

    mail, _out = mail_in(eml("new_thread_member.eml"))

    assert (mail.status, mail.reason) == ("held", "malformed")
    assert not Message.objects.exists()


# --- longer than the web form takes (issue #11, point 11) -----------------------------------


def long_mail(text: str, message_id: str = "<long@example.net>") -> bytes:
    return (
        "From: Alice Martin <alice.martin@example.net>\r\n"
        f"To: {LIST}\r\n"
        "Subject: Compte rendu de l'assemblée\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
        f"{text}\r\n"
    ).encode()


def test_a_5_mb_one_line_mail_keeps_its_first_part_and_attaches_the_whole_text(
    client, collective, people
):
    text = "compost " * 625_000  # 5,000,000 characters on one line
    mail, _out = mail_in(long_mail(text))

    assert mail.status == InboundMail.Status.POSTED
    message = mail.message
    # What the thread's page renders is no longer than what the web form takes.
    assert len(message.body) <= BODY_MAX
    assert message.body.startswith("compost compost")
    # The last line says where the rest is.
    assert "message-complet.txt" in message.body.rsplit("\n\n", 1)[1]
    (attachment,) = message.attachments.all()
    assert (attachment.filename, attachment.content_type) == (
        "message-complet.txt",
        "text/plain; charset=utf-8",
    )
    with attachment.file.open("rb") as stored:
        assert stored.read().decode() == text.strip()
    assert attachment.size == len(text.strip())

    page = client.get(reverse("collectives:thread", args=[collective.slug, message.thread_id]))
    assert page.status_code == 200
    assert len(page.content) < 2 * BODY_MAX
    assert "message-complet.txt" in page.text
    # Said to be text, not a PDF, beside its name.
    listed = page.text.split("message-complet.txt</a>", 1)[1].split("</li>", 1)[0]
    assert "PDF" not in listed and "(" in listed
    download = client.get(
        reverse(
            "collectives:attachment", args=[collective.slug, attachment.pk, attachment.filename]
        )
    )
    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_long_mail_is_cut_between_words_and_keeps_its_files(collective, people):
    text = "Ordre du jour\n\n" + "un point à discuter, " * 3000
    message = EmailMessage()
    message["From"] = "Alice Martin <alice.martin@example.net>"
    message["To"] = LIST
    message["Subject"] = "Ordre du jour"
    message.set_content(text)
    message.add_attachment(jpeg_with_exif(), maintype="image", subtype="jpeg", filename="a.jpg")

    mail, _out = mail_in(message.as_bytes())

    body = mail.message.body
    assert len(body) <= BODY_MAX
    kept = body.rsplit("\n\n", 1)[0]
    assert text.startswith(kept)
    assert text[len(kept)] == " "  # cut between two words
    names = [a.filename for a in mail.message.attachments.order_by("pk")]
    assert names == ["message-complet.txt", "a.jpg"]


def test_a_mail_at_the_limit_is_posted_whole(collective, people):
    text = "x" * BODY_MAX

    mail, _out = mail_in(long_mail(text))

    assert mail.message.body == text
    assert not mail.message.attachments.exists()


def test_a_text_larger_than_a_file_may_be_is_refused_and_its_proven_sender_told(
    collective, people, settings, django_capture_on_commit_callbacks, dns_zone
):
    settings.LIST_MAX_ATTACHMENT_BYTES = 60_000
    key = DkimKey("example.net")
    dns_zone.dkim_key(key)
    text = "compost " * 10_000  # 80,000 bytes: over the limit of any file
    django_mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        signed, _out = mail_in(key.sign(long_mail(text)))
        forged, _out = mail_in(long_mail(text, "<forged@example.net>"))

    assert (signed.status, signed.reason, signed.verification) == ("ignored", "too_large", "dkim")
    assert (forged.status, forged.reason, forged.verification) == (
        "ignored",
        "too_large",
        "unsigned",
    )
    assert not Message.objects.filter(thread__subject__startswith="Compte rendu").exists()
    assert not Attachment.objects.exists()
    # Only the sender proven by their domain's signature is told.
    assert [m.to for m in django_mail.outbox] == [["alice.martin@example.net"]]


def test_nul_characters_are_dropped_so_the_mail_is_stored_and_posted(collective, people):
    raw = (
        "From: Alice <alice.martin@example.net>\r\n"
        f"To: {LIST}\r\n"
        "Subject: =?utf-8?q?Graines=00_de_tomates?=\r\n"
        "Message-ID: <nul-1@example.net>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        "Qui veut des graines=00 ?\r\n"
    ).encode()
    mail, _out = mail_in(raw)
    assert mail.status == InboundMail.Status.POSTED
    assert mail.message.thread.subject == "Graines de tomates"
    assert mail.message.body == "Qui veut des graines ?"


@pytest.mark.parametrize("filename", ["..", "???", "€€€"])
def test_an_attachment_name_with_nothing_usable_becomes_piece_jointe(collective, people, filename):
    message = EmailMessage()
    message["From"] = "Alice <alice.martin@example.net>"
    message["To"] = LIST
    message["Subject"] = "Le plan"
    message["Message-ID"] = "<odd-name-1@example.net>"
    message.set_content("Voici le plan.")
    message.add_attachment(
        b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename=filename
    )
    mail, _out = mail_in(message.as_bytes())
    assert mail.status == InboundMail.Status.POSTED
    assert [a.filename for a in mail.message.attachments.all()] == ["piece-jointe.pdf"]


def test_absurdly_nested_html_is_posted_as_its_text(collective, people):
    html = "<div>" * 5000 + "Rendez-vous samedi" + "</div>" * 5000
    message = EmailMessage()
    message["From"] = "Alice <alice.martin@example.net>"
    message["To"] = LIST
    message["Subject"] = "Samedi"
    message["Message-ID"] = "<deep-1@example.net>"
    message.set_content(html, subtype="html")
    mail, _out = mail_in(message.as_bytes())
    assert mail.status == InboundMail.Status.POSTED
    assert "Rendez-vous samedi" in mail.message.body


# --- out-of-office replies without their headers (issue #12, item 5) ------------------------


def plain_mail(subject: str, body: str, *, charset: str = "utf-8") -> bytes:
    message = EmailMessage()
    message["From"] = "Bruno Lefèvre <bruno.lefevre@gmail.com>"
    message["To"] = LIST
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="mail.gmail.com")
    message.set_content(body, charset=charset)
    return message.as_bytes()


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Absent du bureau", "Bonjour,\nJe serai absent jusqu'au 3 mars."),
        ("Absent du bureau : Re: [Jardins partagés] Atelier vélo", "Merci."),
        ("Réponse automatique : Atelier vélo", "Bonjour"),
        ("Out of Office: Atelier vélo", "Hello"),
        ("Automatic reply: Atelier vélo", "Hello"),
        ("Out of Office AutoReply: Atelier vélo", "Hello"),
        (
            "Re: Atelier vélo",
            "Bonjour,\n\nJe suis absent·e jusqu’au 3 mars et je lirai votre message à mon "
            "retour.\n\nPour toute urgence, contactez l'accueil au 01 23 45 67 89.",
        ),
        (
            "Re: Atelier vélo",
            "Merci pour votre message. Je suis actuellement absente et n'ai qu'un accès "
            "limité à mes mails. Je vous répondrai dès mon retour le 12 mars.",
        ),
        (
            "Atelier vélo",
            "Thank you for your email. I am out of the office until 3 March with limited "
            "access to email. For urgent matters, please contact reception.",
        ),
        (
            "Re: Atelier vélo",
            "I'm currently on annual leave and will reply when I return on Monday.",
        ),
    ],
)
def test_out_of_office_said_in_subject_or_first_lines_is_ignored(parent, people, subject, body):
    mail, _out = mail_in(plain_mail(subject, body))

    assert (mail.status, mail.reason) == ("ignored", "auto_reply")
    assert Message.objects.filter(thread=parent.thread).count() == 1


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # A person says they are away: a message for the list, not a robot's.
        ("Re: Atelier vélo", "Je suis absente samedi, Paul apporte les clés du local."),
        ("Absence à la réunion de jeudi", "Je ne pourrai pas venir, désolé."),
        ("Out of office party", "Who comes on Friday?"),
        ("Réponse automatique des impôts : que faire ?", "Quelqu'un comprend ce courrier ?"),
        # Long: a real message that mentions an absence and a return.
        (
            "Re: Atelier vélo",
            "Je suis absent jusqu'au 3 mars, mais à mon retour je veux bien aider. "
            + "Voici ce que je propose pour l'atelier : " * 30,
        ),
    ],
)
def test_a_person_who_says_they_are_away_is_posted(parent, people, subject, body):
    mail, _out = mail_in(plain_mail(subject, body))

    assert mail.status == InboundMail.Status.POSTED
