"""Reading a raw email: the thread subject made from a mail subject."""

from __future__ import annotations

import pytest

from tissage.collectives.lists.mail import reading

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
