"""Communes' outlines as SVG: well-formed, small, robust to bad contours, and cached so
that a page showing them costs the same whatever the number of communes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from django.core.cache import cache
from django.db.models import JSONField, Value

from tissage.core.tests.factories import CommuneFactory, _square
from tissage.territories import outlines
from tissage.territories.models import Commune
from tissage.territories.outlines import Outlines, cached_outlines, commune_outlines
from tissage.territories.services import communes_import

SVG = "{http://www.w3.org/2000/svg}"
GARD = Path(__file__).resolve().parents[2] / "demo" / "data" / "communes-30-gard.geojson"


def svg_of(drawn: Outlines) -> str:
    """The drawing as a page would show it (without the titles and classes it adds)."""
    paths = "".join(f'<path d="{path}"/>' for path in drawn.paths.values())
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{drawn.view_box}">{paths}</svg>'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it well-formed


def test_a_path_per_commune_fitted_in_the_view_box():
    drawn = commune_outlines([(1, _square(4.0, 43.9, 0.02)), (2, _square(4.05, 43.9, 0.02))])

    svg = parse(svg_of(drawn))

    assert drawn.width == outlines.MAP_SIZE
    assert 0 < drawn.height <= drawn.width
    assert svg.get("viewBox") == f"0 0 {drawn.width} {drawn.height}"
    paths = [path.get("d") for path in svg.findall(f"{SVG}path")]
    assert len(paths) == 2
    assert all(d.startswith("M") and d.endswith("z") for d in paths)


def test_projection_keeps_west_left_and_north_up():
    drawn = commune_outlines(
        [
            (1, _square(4.00, 43.9, 0.02)),
            (2, _square(4.10, 43.9, 0.02)),
            (3, _square(4.00, 44.2, 0.02)),
        ]
    )
    start = {
        pk: [int(n) for n in path[1:].split("l")[0].split()] for pk, path in drawn.paths.items()
    }
    assert start[1][0] < start[2][0]  # west is left
    assert start[3][1] < start[1][1]  # north is up: SVG's y grows downwards


@pytest.mark.parametrize(
    "geometry",
    [
        {},
        None,
        "not a geometry",
        {"type": "Point", "coordinates": [4.0, 43.9]},
        {"type": "Polygon"},
        {"type": "Polygon", "coordinates": "abc"},
        {"type": "Polygon", "coordinates": [[[4.0, 43.9], [4.1]]]},
        {"type": "Polygon", "coordinates": [[[4.0, 43.9], [4.1, 43.9]]]},
        {"type": "Polygon", "coordinates": [[[400.0, 43.9], [401, 43.9], [401, 44.0]]]},
        {"type": "MultiPolygon", "coordinates": [[[["x", "y"], [1, 2], [3, 4]]]]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[float("nan"), 43.9], [4.1, 43.9], [4.1, 44]]]},
    ],
)
def test_a_bad_or_missing_contour_leaves_that_commune_off_only(geometry):
    drawn = commune_outlines([(1, _square(4.0, 43.9, 0.02)), (2, geometry)])

    assert set(drawn.paths) == {1}
    parse(svg_of(drawn))
    assert commune_outlines([(2, geometry)]) is None


def test_multipolygons_and_holes_are_drawn_ring_by_ring():
    island = {
        "type": "MultiPolygon",
        "coordinates": [
            [
                [[4.0, 43.9], [4.1, 43.9], [4.1, 44.0], [4.0, 44.0], [4.0, 43.9]],
                [[4.03, 43.93], [4.07, 43.93], [4.07, 43.97], [4.03, 43.97], [4.03, 43.93]],
            ],
            [[[4.2, 43.9], [4.25, 43.9], [4.25, 43.95], [4.2, 43.9]]],
        ],
    }
    drawn = commune_outlines([(1, island)])
    assert drawn.paths[1].count("M") == 3
    assert drawn.paths[1].count("z") == 3


def test_a_commune_smaller_than_a_unit_is_left_off():
    drawn = commune_outlines([(1, _square(4.0, 43.9, 0.5)), (2, _square(4.6, 43.9, 0.00001))])
    assert set(drawn.paths) == {1}


def test_a_single_point_has_no_extent_and_no_map():
    dot = {"type": "Polygon", "coordinates": [[[4.0, 43.9], [4.0, 43.9], [4.0, 43.9]]]}
    assert commune_outlines([(1, dot)]) is None


def test_ring_paths_are_relative_and_compact():
    points = np.array([[10, 10], [20, 10], [20, 10], [20, 0], [10, 10]])
    assert outlines._ring_path(points) == "M10 10l10 0 0-10z"
    assert outlines._ring_path(np.array([[1, 1], [1, 1], [1, 1]])) == ""
    assert outlines._ring_path(np.zeros((0, 2), dtype=np.int64)) == ""


@pytest.mark.django_db
def test_a_whole_department_stays_small():
    communes_import(path=GARD)
    communes = list(Commune.objects.order_by("insee_code"))
    assert len(communes) > 350

    department = commune_outlines((c.pk, c.geometry) for c in communes)
    # A territory of about 44 neighbouring communes: those around Alès.
    ales = next(c for c in communes if c.insee_code == "30007")
    near = sorted(
        communes,
        key=lambda c: (
            (c.min_lon + c.max_lon - ales.min_lon - ales.max_lon) ** 2
            + (c.min_lat + c.max_lat - ales.min_lat - ales.max_lat) ** 2
        ),
    )[:44]
    territory = commune_outlines((c.pk, c.geometry) for c in near)

    assert len(department.paths) == len(communes)
    # The path data alone; the progress map adds a title and a class per commune
    # (about 65 KB in all for the Gard, under 200 KB tested there).
    assert len(svg_of(department).encode()) < 60_000
    assert len(territory.paths) == 44
    assert len(svg_of(territory).encode()) < 25_000


# The cache --------------------------------------------------------------------------------


@pytest.fixture
def communes(db):
    return [CommuneFactory(geometry=_square(4.0 + i * 0.02, 43.9, 0.02)) for i in range(3)]


def test_cold_one_query_then_none_whatever_the_number_of_communes(
    communes, django_assert_num_queries
):
    pks = [c.pk for c in communes]
    with django_assert_num_queries(1):
        first = cached_outlines(pks)
    with django_assert_num_queries(0):
        again = cached_outlines(reversed(pks))  # a set: order does not matter

    more = [CommuneFactory(geometry=_square(5.0 + i * 0.02, 43.9, 0.02)) for i in range(30)]
    many = pks + [c.pk for c in more]
    with django_assert_num_queries(1):
        cached_outlines(many)
    with django_assert_num_queries(0):
        drawn = cached_outlines(many)

    assert again == first
    assert set(first.paths) == set(pks)
    assert len(drawn.paths) == 33


def test_a_drawing_is_kept_per_set_of_communes(communes):
    pks = [c.pk for c in communes]
    assert set(cached_outlines(pks[:2]).paths) == set(pks[:2])
    assert set(cached_outlines(pks).paths) == set(pks)


def test_no_commune_is_no_map_and_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cached_outlines([]) is None


def test_communes_without_any_contour_are_no_map_kept_as_such(communes, django_assert_num_queries):
    Commune.objects.update(geometry=Value(None, JSONField()))
    pks = [c.pk for c in communes]
    with django_assert_num_queries(1):
        assert cached_outlines(pks) is None
    with django_assert_num_queries(0):
        assert cached_outlines(pks) is None


def test_the_outlines_stay_cached_until_they_expire(communes, settings):
    # Contours hardly ever change: a re-import shows after the cache's hour, not at once.
    pks = [c.pk for c in communes]
    before = cached_outlines(pks)
    Commune.objects.filter(pk=pks[0]).update(geometry=_square(3.0, 43.0, 0.5))
    assert cached_outlines(pks) == before
    cache.clear()
    assert cached_outlines(pks) != before
    assert outlines.OUTLINES_CACHE_SECONDS == 3600
