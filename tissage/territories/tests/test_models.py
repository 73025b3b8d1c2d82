"""Finding the commune under a point, without PostGIS."""

from __future__ import annotations

import pytest
from django.core.management import call_command

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
