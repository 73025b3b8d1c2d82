"""Communes' outlines as SVG path data, fitted together in one viewBox: a map drawn on the
server (no tiles, no script), such as an inventory's progress map.

Drawn from `Commune.geometry` (GeoJSON in WGS84): an equirectangular projection
corrected by the cosine of the middle latitude, fitted to a fixed viewBox, simplified at
about one unit of that viewBox and rounded to whole units, so that the SVG of a whole
department stays small (about 65 KB for the 353 communes of the Gard).

The outlines depend only on the set of communes, so they are kept in Django's cache:
decoding the contours of a department makes enough garbage that a collection pause now
and then pushed the progress page past 50 ms (p95 95 ms for the Gard on SQLite, against
4 ms with the outlines cached).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import shapely
from django.core.cache import cache

from .models import Commune

# Long side of the map in SVG units. Coordinates are whole units: at this size a
# department of 350 communes stays well under 200 KB and a commune is still recognisable.
MAP_SIZE = 1000
MAP_MARGIN = 4
# Douglas-Peucker tolerance, in SVG units: below the rounding step, so invisible.
SIMPLIFY_TOLERANCE = 0.8
# Contours hardly ever change (a re-import of the communes): an hour of staleness at
# worst, in exchange for not decoding them on every view of a page that shows them.
OUTLINES_CACHE_SECONDS = 3600
# Bump when the drawing changes, so that outlines drawn the old way are not served.
_CACHE_VERSION = 2
_MISSING = object()


@dataclass(frozen=True)
class Projection:
    """Where a (longitude, latitude) falls on a map drawn here: the equirectangular
    projection of `commune_outlines`, so that points can be put on the outlines."""

    west: float
    north: float
    shrink: float
    scale: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            (lon - self.west) * self.shrink * self.scale + MAP_MARGIN,
            (self.north - lat) * self.scale + MAP_MARGIN,  # SVG's y axis points down
        )

    @classmethod
    def fitted(cls, west: float, south: float, east: float, north: float) -> Projection:
        """The projection that fits this box in the map's size (a point alone, or points
        on a line, get a box of about a kilometre)."""
        shrink = math.cos(math.radians((south + north) / 2))
        extent = max((east - west) * shrink, north - south, 0.01)
        return cls(west, north, shrink, (MAP_SIZE - 2 * MAP_MARGIN) / extent)

    def size(self, east: float, south: float) -> tuple[int, int]:
        """The map's width and height for a box from (west, north) to (east, south)."""
        x, y = self.point(east, south)
        return math.ceil(x) + MAP_MARGIN, math.ceil(y) + MAP_MARGIN


@dataclass(frozen=True)
class Outlines:
    """Communes drawn together: what the cache keeps."""

    width: int
    height: int
    # Commune pk → SVG path data; communes without a usable contour are absent.
    paths: dict[int, str]
    # How they were drawn: to put points on them.
    projection: Projection

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def cached_outlines(commune_pks: Iterable[int]) -> Outlines | None:
    """The outlines of these communes from the cache, else drawn (one query) and kept.

    None when no commune is given or none has a usable contour. The key is the set of
    communes, whoever asks: two campaigns over the same communes share one drawing.
    """
    pks = sorted(set(commune_pks))
    if not pks:
        return None
    digest = hashlib.sha256(",".join(map(str, pks)).encode()).hexdigest()[:24]
    key = f"territories:outlines:v{_CACHE_VERSION}:{digest}"
    cached = cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cast(Outlines | None, cached)
    geometries = Commune.objects.filter(pk__in=pks).values_list("pk", "geometry")
    outlines = commune_outlines(geometries)
    # Kept even when None (no usable contour): such a set costs its query once too.
    cache.set(key, outlines, OUTLINES_CACHE_SECONDS)
    return outlines


def commune_outlines(geometries: Iterable[tuple[int, Any]]) -> Outlines | None:
    """SVG paths of the communes' contours, given as (pk, GeoJSON geometry), fitted
    together in one viewBox; None when no commune has a usable contour. A commune whose
    contour is missing, unreadable or smaller than a unit of the map has no path."""
    readable = [(pk, rings) for pk, geometry in geometries if (rings := _read_rings(geometry))]
    if not readable:
        return None
    # All rings of all communes in one array, so that projecting and simplifying are a
    # handful of vectorised calls instead of thousands of small ones.
    flat_rings = [ring for _pk, rings in readable for ring in rings]
    owner = np.repeat(np.arange(len(readable)), [len(rings) for _pk, rings in readable])
    points = np.concatenate(flat_rings)
    ring_of_point = np.repeat(np.arange(len(flat_rings)), [len(r) for r in flat_rings])
    min_lon, min_lat = points.min(axis=0)
    max_lon, max_lat = points.max(axis=0)
    # Equirectangular: a degree of longitude is cos(latitude) times a degree of latitude.
    shrink = math.cos(math.radians((min_lat + max_lat) / 2))
    extent = max((max_lon - min_lon) * shrink, max_lat - min_lat)
    if not extent > 0:
        return None
    scale = (MAP_SIZE - 2 * MAP_MARGIN) / extent
    projection = Projection(float(min_lon), float(max_lat), shrink, scale)
    projected = np.column_stack(
        (
            (points[:, 0] - min_lon) * shrink * scale + MAP_MARGIN,
            (max_lat - points[:, 1]) * scale + MAP_MARGIN,  # SVG's y axis points down
        )
    )
    lines = shapely.linestrings(projected, indices=ring_of_point)
    simplified = shapely.simplify(lines, SIMPLIFY_TOLERANCE, preserve_topology=False)
    coords, line_of_coord = shapely.get_coordinates(simplified, return_index=True)
    rounded = np.rint(coords).astype(np.int64)
    starts = np.searchsorted(line_of_coord, np.arange(len(flat_rings) + 1))

    parts: list[list[str]] = [[] for _pk in readable]
    for number in range(len(flat_rings)):
        ring_path = _ring_path(rounded[starts[number] : starts[number + 1]])
        if ring_path:
            parts[owner[number]].append(ring_path)
    return Outlines(
        width=math.ceil((max_lon - min_lon) * shrink * scale) + 2 * MAP_MARGIN,
        height=math.ceil((max_lat - min_lat) * scale) + 2 * MAP_MARGIN,
        # A commune smaller than a unit of the map has no path and is left off.
        paths={pk: "".join(p) for (pk, _rings), p in zip(readable, parts, strict=True) if p},
        projection=projection,
    )


def _read_rings(geometry: Any) -> list[np.ndarray] | None:
    """The rings of a commune's contour as arrays of (lon, lat), or None when the contour
    is missing or unreadable: the commune is then left off the map.

    Read with numpy rather than shapely's `shape()`, which checks every point in Python
    and took most of the time for a department."""
    if not isinstance(geometry, dict):
        return None
    coordinates = geometry.get("coordinates")
    polygons: Any
    match geometry.get("type"):
        case "Polygon":
            polygons = [coordinates]
        case "MultiPolygon":
            polygons = coordinates
        case _:
            return None
    rings = []
    try:
        for polygon in polygons:
            for ring in polygon:
                points = np.asarray(ring, dtype=float)
                if points.ndim != 2 or points.shape[0] < 3 or points.shape[1] < 2:
                    return None
                rings.append(points[:, :2])
    except (TypeError, ValueError):
        return None
    if not rings:
        return None
    every = np.concatenate(rings)
    if not np.isfinite(every).all():
        return None
    lon, lat = every[:, 0], every[:, 1]
    if lon.min() < -180 or lon.max() > 180 or lat.min() < -90 or lat.max() > 90:
        return None
    return rings


def _ring_path(points: np.ndarray) -> str:
    """Path data of one ring with relative moves between whole units: short, and no
    drift since the differences are taken after rounding."""
    if len(points) and (points[0] == points[-1]).all():
        points = points[:-1]
    steps = np.diff(points, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    if len(steps) < 2:  # shrank to a dot or a line at this scale
        return ""
    x, y = points[0].tolist()
    numbers = " ".join(map(str, steps.ravel().tolist()))
    # A minus sign separates numbers in SVG path data: the space before it is not needed.
    return f"M{x} {y}l{numbers}z".replace(" -", "-")
