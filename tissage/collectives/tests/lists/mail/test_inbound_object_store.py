"""`tissage mail-in` when files are on an object store that cannot be reached: the mail
server is told to try again later (75), and nothing of the email is kept meanwhile."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.core.management.base import CommandError

from tissage.collectives.models import Attachment, InboundMail, Message
from tissage.core.tests.s3 import use_s3
from tissage.core.tests.smtp import free_port

from .helpers import LIST, jpeg_with_exif, mail_in

pytestmark = pytest.mark.django_db


def test_store_down_a_mail_with_an_attachment_waits_at_the_mail_server(
    s3_media, parent, people, settings
):
    use_s3(settings, f"http://127.0.0.1:{free_port()}", s3_media.bucket)
    message = EmailMessage()
    message["From"] = "Bruno Lefèvre <bruno.lefevre@gmail.com>"
    message["To"] = LIST
    message["Subject"] = "Re: [Jardins partagés] Atelier vélo samedi"
    message["Message-ID"] = "<CAF3kq2Vx8Zb0=store-down@mail.gmail.com>"
    message["In-Reply-To"] = parent.message_id
    message["References"] = parent.message_id
    message.set_content("Voici la remorque.\n")
    message.add_attachment(
        jpeg_with_exif(), maintype="image", subtype="jpeg", filename="IMG_2041.jpeg"
    )
    messages_before = Message.objects.count()

    with pytest.raises(CommandError) as raised:
        mail_in(message.as_bytes())

    assert raised.value.returncode == 75
    assert "retry" in str(raised.value)
    assert not InboundMail.objects.filter(message_id_header__contains="store-down").exists()
    assert Message.objects.count() == messages_before
    assert not Attachment.objects.exists()

    # Once the store answers again, the mail server's next try posts it.
    use_s3(settings, s3_media.endpoint, s3_media.bucket)
    mail, _out = mail_in(message.as_bytes())
    assert mail.status == InboundMail.Status.POSTED
    assert Attachment.objects.get(message=mail.message).file.read()[:2] == b"\xff\xd8"
