"""Acceptance: a list that works by email, end to end, with a real SMTP server.

Alice posts on the website; the members receive the copy through SMTP with the list
headers; they answer from Gmail, Outlook, Apple Mail (HTML only), an ISO-8859-1 client and
a phone with a photo; `tissage mail-in` threads each answer under the message answered,
without its quotes; an out-of-office reply and a stranger's mail are not posted, and the
stranger's mail waits on the coordinators' moderation page.
"""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tissage.collectives.lists import services
from tissage.collectives.models import CollectiveMembership, InboundMail, Message

from .helpers import DOMAIN, LIST, eml, jpeg_with_exif, member

pytestmark = pytest.mark.django_db


def mail_in(raw: bytes) -> InboundMail:
    call_command("mail_in", stdin=io.BytesIO(raw), stdout=io.StringIO())
    return InboundMail.objects.latest("pk")


def copy_for(inbox, address: str):
    found = [m for m, rcpt in zip(inbox.messages, inbox.recipients, strict=True) if address in rcpt]
    assert len(found) == 1, (address, inbox.recipients)
    return found[0]


def test_a_list_that_works_by_email(
    smtp_server, collective, people, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tissage.example.org"
    coordinator = member(
        collective, "coord@example.net", role=CollectiveMembership.Role.COORDINATOR
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.thread_start(
            collective=collective,
            author=people["alice"],
            subject="Atelier vélo samedi",
            body="Bonjour à toutes et tous,\n\nQui peut aider samedi pour l'atelier vélo ?",
        )

    # Two members receive it with the headers of a real list.
    for address in ("bruno.lefevre@gmail.com", "claire.dubois@outlook.fr"):
        copy = copy_for(smtp_server, address)
        assert copy["List-Id"].endswith(f"<jardins.{DOMAIN}>")
        assert copy["List-Post"] == f"<mailto:{LIST}>"
        assert copy["List-Unsubscribe"].startswith("<https://tissage.example.org/")
        assert copy["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert copy["Message-ID"] == first.message_id
    received_id = copy_for(smtp_server, "bruno.lefevre@gmail.com")["Message-ID"]

    def answer(name: str) -> InboundMail:
        return mail_in(eml(name, PARENT=received_id))

    with django_capture_on_commit_callbacks(execute=True):
        gmail = answer("gmail_reply.eml")
        outlook = answer("outlook_reply.eml")
        html_only = answer("html_only_reply.eml")
        latin1 = answer("latin1_reply.eml")
        # Thunderbird answers Bruno's reply, not the first message.
        thunderbird = mail_in(eml("thunderbird_reply.eml", PARENT=gmail.message.message_id))
        photo = EmailMessage()
        photo["From"] = "Bruno Lefèvre <bruno.lefevre@gmail.com>"
        photo["To"] = LIST
        photo["Subject"] = "Re: [Jardins partagés] Atelier vélo samedi"
        photo["Message-ID"] = "<photo-1@mail.gmail.com>"
        photo["In-Reply-To"] = received_id
        photo["References"] = received_id
        photo.set_content("La remorque est prête.\n\nEnvoyé de mon iPhone\n")
        photo.add_attachment(
            jpeg_with_exif(), maintype="image", subtype="jpeg", filename="IMG_2041.jpeg"
        )
        with_photo = mail_in(photo.as_bytes())
        auto_reply = answer("outlook_auto_reply.eml")
        stranger = mail_in(eml("stranger.eml"))

    expected = {
        gmail: "Oui, je peux apporter des chaises pliantes",
        outlook: "Je serai là dès 13 h 30",
        html_only: "Je m’occupe du **café**",
        latin1: "ça coûte 50 €",
        with_photo: "La remorque est prête.",
    }
    for mail, start in expected.items():
        assert mail.status == InboundMail.Status.POSTED, (mail.subject, mail.reason)
        assert mail.message.thread_id == first.thread_id
        assert mail.message.parent_id == first.pk
        assert start in mail.message.body
        assert "Qui peut aider" not in mail.message.body
    assert thunderbird.message.parent_id == gmail.message.pk
    assert "Oui, je peux" not in thunderbird.message.body
    assert with_photo.message.attachments.get().content_type == "image/jpeg"

    assert (auto_reply.status, auto_reply.reason) == ("ignored", "auto_reply")
    assert (stranger.status, stranger.reason) == ("held", "unknown_sender")
    assert not Message.objects.filter(body__contains="compost").exists()
    assert Message.objects.filter(thread=first.thread).count() == 7

    # The posted replies went out to the list too, threaded for mail clients.
    echoes = [m for m in smtp_server.messages if m["In-Reply-To"] == first.message_id]
    assert echoes
    # Nothing is lost: the coordinator sees the stranger's mail.
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    page = coordinator_client.get(reverse("collectives:moderation", args=[collective.slug]))
    assert page.status_code == 200
    assert "Proposition de partenariat pour vos jardins" in page.content.decode()
