"""Finding the commune under a point, without PostGIS."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tissage.core.tests.factories import CommuneFactory, _square
from tissage.territories.geography import Box
from tissage.territories.models import Commune

from .test_import_communes import GARD

pytestmark = pytest.mark.django_db


@pytest.fixture
def gard():
    call_command("import_communes", GARD)


def test_containing_finds_nimes(gard):
    commune = Commune.objects.containing(4.36, 43.84)

    assert commune is not None
    assert commune.insee_code == "30189"
    assert commune.name == "Nîmes"


def test_containing_finds_nothing_in_the_sea(gard):
    # Off Le Grau-du-Roi: inside the commune's bounding box, outside its contour.
    lon, lat = 4.13, 43.47
    assert Commune.objects.touching_box(lon, lat).exists()

    assert Commune.objects.containing(lon, lat) is None


def test_containing_finds_nothing_outside_the_imported_area(gard):
    # Paris.
    assert Commune.objects.containing(2.35, 48.85) is None


def test_bounds_cover_the_department(gard):
    min_lon, min_lat, max_lon, max_lat = Commune.objects.bounds()

    assert 3.2 < min_lon < 3.4
    assert 4.8 < max_lon < 4.9
    assert 43.4 < min_lat < 43.5
    assert 44.4 < max_lat < 44.5


def test_bounds_of_nothing_is_none():
    assert Commune.objects.bounds() is None


def test_bounds_are_a_box(gard):
    box = Commune.objects.bounds()

    assert isinstance(box, Box)
    assert box.contains(4.36, 43.84)
    assert Commune.objects.filter(insee_code="30189").bounds() == Box(
        *Commune.objects.get(insee_code="30189").shape.bounds
    )


def test_overlapping_finds_the_communes_whose_box_meets_the_box():
    west = CommuneFactory(geometry=_square(4.00, 44.0), min_lon=4.00, max_lon=4.01)
    middle = CommuneFactory(geometry=_square(4.02, 44.0), min_lon=4.02, max_lon=4.03)
    CommuneFactory(geometry=_square(4.04, 44.0), min_lon=4.04, max_lon=4.05)
    CommuneFactory(geometry=_square(4.02, 45.0), min_lat=45.0, max_lat=45.01)

    # From inside the west commune to the edge of the middle one: edges count.
    found = Commune.objects.overlapping(Box(4.005, 44.005, 4.02, 44.02))

    assert set(found) == {west, middle}
    assert not Commune.objects.overlapping(Box(5.0, 44.0, 5.1, 44.1)).exists()


def test_an_admin_cannot_store_a_commune_under_a_malformed_insee_code(admin_client):
    """The feeds and pages link to a commune by its code: the admin refuses a code no URL
    could take ("0A123", lower case, four digits) rather than let a page break later."""
    commune = CommuneFactory(insee_code="30189", name="Nîmes")
    url = f"/admin/territories/commune/{commune.pk}/change/"
    for code in ["0A123", "2a004", "3018"]:
        response = admin_client.post(url, {"insee_code": code, "name": "Nîmes", "department": "30"})

        assert response.status_code == 200
        assert "insee_code" in response.context["adminform"].form.errors
    commune.refresh_from_db()
    assert commune.insee_code == "30189"
    response = admin_client.post(
        url, {"insee_code": "2A004", "name": "Ajaccio", "department": "2A"}
    )
    assert response.status_code == 302


def test_communes_beginning_with_a_name_as_typed_among_the_whole_gard(gard):
    def names(text: str) -> list[str]:
        return [commune.name for commune in Commune.objects.beginning_with(text)[:10]]

    assert names("nimes") == ["Nîmes"]
    assert "Saint-Jean-du-Gard" in names("st jean")
    assert names("ales") == ["Alès"]
    assert len(names("sa")) == 10


def test_the_name_as_typed_is_kept_with_the_name():
    commune = CommuneFactory(name="Saint-Jean-du-Gard")
    assert commune.search_name == "saint jean du gard"

    commune.name = "L’Estréchure"
    commune.save(update_fields=["name"])

    commune.refresh_from_db()
    assert commune.search_name == "l estrechure"
