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
