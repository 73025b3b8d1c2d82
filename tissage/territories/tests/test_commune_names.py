"""Communes typed as text: one rule for names, codes and "Name (code)"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tissage.core.tests.factories import CommuneFactory
from tissage.territories.commune_names import (
    commune_from_text,
    commune_text,
    communes_from_text,
    communes_text,
    name_key,
)
from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    return [
        CommuneFactory(name="Anduze", insee_code="30010"),
        CommuneFactory(name="Lézan", insee_code="30146"),
        CommuneFactory(name="Saint-Jean-du-Gard", insee_code="30259"),
        CommuneFactory(name="L’Estréchure", insee_code="30108"),
        CommuneFactory(name="Ajaccio", insee_code="2A004", department="2A"),
    ]


def codes(communes):
    return [commune.insee_code for commune in communes]


def messages(refusal):
    return refusal.value.messages


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Jean-du-Gard", "saint jean du gard"),
        ("ST JEAN DU GARD", "saint jean du gard"),
        ("St. Jean-du-Gard", "saint jean du gard"),
        ("Ste-Croix", "sainte croix"),
        ("L’Estréchure", "l estrechure"),
        ("l'estrechure", "l estrechure"),
        ("  Lézan  ", "lezan"),
    ],
)
def test_name_keys(name, key):
    assert name_key(name) == key


@pytest.mark.parametrize(
    "text",
    [
        "Anduze",
        "anduze",
        "ANDUZE",
        "30010",
        " 30010 ",
        "Anduze (30010)",
        "anduze(30010)",
        " anduze ;",
        "Anduze, 30010",
        "Anduze\n\nAnduze (30010);",
    ],
)
def test_a_commune_read_from_its_name_or_code(territory, text):
    assert codes(communes_from_text(text)) == ["30010"]


def test_accents_hyphens_apostrophes_and_abbreviations_do_not_matter(territory):
    found = communes_from_text("LEZAN, St Jean du Gard; l'estrechure")

    assert {c.name for c in found} == {"L’Estréchure", "Lézan", "Saint-Jean-du-Gard"}
    # Sorted by name, as the database sorts them (its collation decides where "’" goes).
    assert found == list(Commune.objects.filter(pk__in=[c.pk for c in found]))


def test_corsican_codes_in_any_case(territory):
    assert codes(communes_from_text("2a004")) == ["2A004"]
    assert codes(communes_from_text("Ajaccio (2a004)")) == ["2A004"]


def test_the_code_wins_over_the_name_before_it(territory):
    # A renamed commune still reads from what was written before.
    assert codes(communes_from_text("Ancien Nom (30146)")) == ["30146"]


def test_nothing_typed_is_no_commune(territory, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert communes_from_text(" , ;\n") == []
        assert commune_from_text("   ") is None


def test_what_is_written_reads_back_the_same(territory):
    text = communes_text(territory)
    assert text.startswith("Anduze (30010), Lézan (30146)")
    assert set(communes_from_text(text)) == set(territory)
    assert commune_from_text(commune_text(territory[3])) == territory[3]


def test_every_piece_not_understood_is_listed_at_once(territory):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        communes_from_text("Anduze, Nulle-Part, 99999, 0A123", among_name="the test communes")

    assert messages(refusal) == [
        "“Nulle-Part” is not among the test communes: check the spelling, or give its INSEE code.",
        "No commune has the INSEE code 99999 among the test communes: check it, or type the name.",
        # Not a code (a letter outside Corsica), so read as a name.
        "“0A123” is not among the test communes: check the spelling, or give its INSEE code.",
    ]


def test_an_unknown_name_offers_the_names_beginning_the_same_way(territory):
    """Without suggestions while typing, the message is where a person finds the spelling."""
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        commune_from_text("Lezann")

    assert messages(refusal) == [
        "“Lezann” is not among the communes known to the platform: check the spelling, or "
        "give its INSEE code. Names that begin the same way: Lézan (30146)."
    ]


def test_the_names_offered_are_among_the_set_searched(territory):
    among = Commune.objects.filter(insee_code__in=["30010", "30146"])

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        commune_from_text("Saint-Jan-du-Gard", among=among, among_name="the test communes")

    assert messages(refusal) == [
        "“Saint-Jan-du-Gard” is not among the test communes: check the spelling, or give its "
        "INSEE code."
    ]


def test_the_messages_name_the_platform_by_default(territory):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        communes_from_text("Nulle-Part")
    assert "the communes known to the platform" in messages(refusal)[0]


def test_a_name_shared_by_two_communes_asks_for_the_code(territory):
    CommuneFactory(name="Anduze", insee_code="34999", department="34")

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        communes_from_text("anduze")

    assert messages(refusal) == [
        "Several communes are called “anduze”: type yours with its INSEE code, one of: "
        "Anduze (30010), Anduze (34999)."
    ]
    assert codes(communes_from_text("Anduze (34999)")) == ["34999"]


def test_only_communes_among_the_set_are_found(territory):
    among = Commune.objects.filter(insee_code__in=["30010", "30146"])

    assert codes(communes_from_text("Lézan", among=among, among_name="x")) == ["30146"]
    with pytest.raises(ValidationError) as by_name:
        communes_from_text("Saint-Jean-du-Gard", among=among, among_name="x")
    with pytest.raises(ValidationError) as by_code:
        communes_from_text("30259", among=among, among_name="x")
    assert len(messages(by_name)) == len(messages(by_code)) == 1


def test_one_commune_from_text(territory):
    assert commune_from_text("st jean du gard") == territory[2]
    assert commune_from_text("Lézan (30146)") == territory[1]
    with pytest.raises(ValidationError) as refusal:
        # One piece: a comma does not separate communes here.
        commune_from_text("Anduze, Lézan")
    assert len(messages(refusal)) == 1


def test_queries_do_not_grow_with_the_text(territory, django_assert_num_queries):
    # Codes: one query for the codes, one for the communes.
    with django_assert_num_queries(2):
        communes_from_text("30010, 30146, 30259, 2A004")
    # Names: one query on their stored keys, then the communes.
    with django_assert_num_queries(2):
        communes_from_text("Anduze, Lézan, St Jean du Gard")
    with django_assert_num_queries(3):
        communes_from_text("Anduze, 30146")
