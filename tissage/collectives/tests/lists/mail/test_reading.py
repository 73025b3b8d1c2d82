"""Reading a raw email: the thread subject made from a mail subject, the plain text a
coordinator reads of a held email."""

from __future__ import annotations

import pytest

from tissage.collectives.lists.mail import reading

from .helpers import HTML_ONLY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: [Jardins partagés] Atelier vélo", "Atelier vélo"),
        ("RE: TR: Fwd: Réf. : Compost", "Compost"),
        ("Re : Re: [jardins] Graines", "Graines"),
        ("[URGENT] Réunion", "[URGENT] Réunion"),
        ("Rendez-vous samedi", "Rendez-vous samedi"),
    ],
)
def test_subject_clean(collective, subject, expected):
    assert reading.subject_clean(subject, collective) == expected


def test_mail_preview_is_plain_text():
    assert reading.mail_preview(HTML_ONLY).startswith("Bonjour à tous")
    assert "<b>" not in reading.mail_preview(HTML_ONLY)
    plain = b"Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nCaf\xe9\r\n"
    assert reading.mail_preview(plain) == "Café"
    only_a_file = b"Subject: x\r\nContent-Type: application/octet-stream\r\n\r\nAAAA\r\n"
    assert reading.mail_preview(only_a_file) == ""


# --- charsets and file names (issue #12, item 5) -------------------------------------------


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        # Labelled Big5 but written in UTF-8 (the probe): read as UTF-8, not garbled.
        ("Voilà le compte rendu, 你好".encode(), "big5", "Voilà le compte rendu, 你好"),
        ("你好世界".encode("big5"), "big5", "你好世界"),  # real Big5 stays Big5
        ("Café, œuf, 20 €".encode("cp1252"), "iso-8859-1", "Café, œuf, 20 €"),
        ("Café".encode(), "iso-8859-1", "Café"),  # UTF-8 labelled Latin-1
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
        (b"Caf\xe9", "", "Café"),  # no label, not UTF-8: Windows-1252
        (b"Caf\xe9", "x-unknown-charset", "Café"),
        ("Café".encode(), "x-unknown-charset", "Café"),
        (b"Caf\xe9", "utf-8", "Café"),  # labelled UTF-8 but is not
        ("Bonjour".encode("utf-16"), "utf-16", "Bonjour"),
    ],
)
def test_text_decode_tries_the_label_then_utf8_then_windows_1252(data, declared, expected):
    assert reading.text_decode(data, declared) == expected


def test_a_body_labelled_big5_but_in_utf8_is_read_right():
    raw = (
        b"Subject: x\r\nContent-Type: text/plain; charset=big5\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + "Réunion à 18 h, café offert.".encode()
    )
    message = reading.parse(raw)

    assert reading.content_read(message).body == "Réunion à 18 h, café offert."
    assert reading.mail_preview(raw) == "Réunion à 18 h, café offert."


@pytest.mark.parametrize(
    "disposition",
    [
        b'attachment; filename="K\xc3\xa9relem.pdf"',  # raw UTF-8
        b'attachment; filename="K\xe9relem.pdf"',  # raw Windows-1252
        b"attachment; filename=K\xe9relem.pdf",
        b"attachment; filename*=UTF-8''K%C3%A9relem.pdf",  # RFC 2231
        b"attachment; filename*0*=ISO-8859-1''K%E9re; filename*1=lem.pdf",
        b'attachment; filename="=?UTF-8?B?S8OpcmVsZW0ucGRm?="',  # RFC 2047
    ],
)
def test_attachment_names_are_decoded_however_written(disposition):
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    raw = (
        b'Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLe courrier.\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: " + disposition + b"\r\n"
        b"\r\n" + pdf + b"\r\n--b--\r\n"
    )

    (attachment,) = reading.content_read(reading.parse(raw)).attachments

    assert attachment.filename == "Kérelem.pdf"
