"""The sentence of each kind of notification, from its params, in the reader's language.

The sentences are checked in English (the msgids), whatever the state of the French
catalogue; in French, dates come out in French (Django's own catalogue)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tissage.engagement.kinds import KINDS, Kind
from tissage.engagement.models import Event
from tissage.engagement.tests.producers import text

# Saturday 14 March 2026, 9:00 in Paris.
SATURDAY = timezone.make_aware(datetime.datetime(2026, 3, 14, 9, 0)).isoformat()


def event(kind: str, **params) -> Event:
    return Event(kind=kind, url="/", params=params)


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        (
            Kind.ACTION_NEW,
            {"title": "Plantation de haies", "starts_at": SATURDAY, "commune": "Crest"},
            "New action “Plantation de haies” on Saturday 14 March in Crest.",
        ),
        (
            Kind.ACTION_NEW,
            {"title": "Plantation de haies", "starts_at": SATURDAY, "commune": ""},
            "New action “Plantation de haies” on Saturday 14 March.",
        ),
        (
            Kind.ACTION_NEW,
            {"title": "Plantation", "starts_at": "not a date", "commune": ""},
            "New action “Plantation”.",
        ),
        (
            Kind.NEWS_POST,
            {"title": "Bilan & suite", "project": "Haies du Diois"},
            "News from Haies du Diois: “Bilan & suite”.",
        ),
        (
            Kind.INITIATIVE_NEW,
            {"title": "Jardin partagé", "collective": "Quartier Vivant"},
            "New initiative in Quartier Vivant: “Jardin partagé”.",
        ),
        (
            Kind.CAMPAIGN_MILESTONE,
            {"campaign": "Petit patrimoine", "count": 2500},
            "The inventory “Petit patrimoine” now has 2,500 published items.",
        ),
        (
            Kind.CONTRIBUTION_DECIDED,
            {"title": "Lavoir", "campaign": "Patrimoine", "status": "published", "reason": ""},
            "Your contribution “Lavoir” to “Patrimoine” is published.",
        ),
        (
            Kind.CONTRIBUTION_DECIDED,
            {
                "title": "Lavoir",
                "campaign": "Patrimoine",
                "status": "needs_information",
                "reason": "Quelle rue ?",
            },
            "The moderators of “Patrimoine” need more information about “Lavoir”: "
            "“Quelle rue ?”. Answer them on the item’s page.",
        ),
        (
            Kind.CONTRIBUTION_DECIDED,
            {"title": "Lavoir", "campaign": "Patrimoine", "status": "refused", "reason": "Doublon"},
            "Your contribution “Lavoir” to “Patrimoine” was not published: “Doublon”.",
        ),
        (
            Kind.REPLY,
            {"author_name": "Camille", "subject": "Réunion de rentrée"},
            "Camille replied to you in “Réunion de rentrée”.",
        ),
        (
            Kind.PLACE_FREED,
            {"title": "Plantation de haies", "starts_at": SATURDAY},
            "A place freed up: your registration for “Plantation de haies” on Saturday 14 "
            "March is confirmed.",
        ),
    ],
)
def test_each_kind_says_what_happened_in_one_sentence(kind, params, expected):
    assert text(event(kind, **params)) == expected


def test_every_kind_has_its_sentence():
    for kind in KINDS:
        assert text(event(kind, title="T", campaign="C", status="published", count=10))


def test_dates_are_in_the_readers_language_and_time_zone():
    late = timezone.make_aware(datetime.datetime(2026, 3, 14, 23, 30)).isoformat()
    utc = datetime.datetime.fromisoformat(late).astimezone(datetime.UTC).isoformat()

    sentence = text(event(Kind.ACTION_NEW, title="Veillée", starts_at=utc, commune=""), "fr")

    # 22:30 UTC is still Saturday in Paris.
    assert "samedi 14 mars" in sentence
    assert "Veillée" in sentence


def test_names_are_not_escaped_twice_a_page_escapes_them_once():
    sentence = text(event(Kind.REPLY, author_name="<Léa & Co>", subject="“Rentrée”"))

    assert sentence == "<Léa & Co> replied to you in ““Rentrée””."
