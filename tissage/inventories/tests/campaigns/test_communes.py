"""Communes typed as names or INSEE codes, the way facilitators write them."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import CommuneFactory
from tissage.inventories.campaigns import communes

pytestmark = pytest.mark.django_db


# Communes as text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Anduze", "anduze", "ANDUZE", "30010", "Anduze (30010)", " anduze ;", "Anduze, 30010"],
)
def test_communes_are_read_from_names_or_codes(territory, text):
    found = communes.communes_from_text(
        text, among=territory[0].__class__.objects.all(), among_name="test"
    )
    assert [commune.insee_code for commune in found] == ["30010"]


def test_accents_hyphens_and_abbreviations_do_not_matter(territory):
    from tissage.territories.models import Commune

    found = communes.communes_from_text(
        "LEZAN, St Jean du Gard", among=Commune.objects.all(), among_name="test"
    )
    assert [commune.name for commune in found] == ["Lézan", "Saint-Jean-du-Gard"]


def test_a_name_shared_by_two_communes_asks_for_the_code(territory):
    from django.core.exceptions import ValidationError

    from tissage.territories.models import Commune

    CommuneFactory(name="Anduze", insee_code="34999", department="34")
    with pytest.raises(ValidationError) as refusal:
        communes.communes_from_text("Anduze", among=Commune.objects.all(), among_name="test")
    assert "30010, 34999" in refusal.value.messages[0]
    found = communes.communes_from_text(
        "Anduze (34999)", among=Commune.objects.all(), among_name="test"
    )
    assert [commune.insee_code for commune in found] == ["34999"]
