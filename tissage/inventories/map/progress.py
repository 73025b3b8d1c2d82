"""A campaign's progress: published items per commune, top categories, and a map of the
communes shaded by their number of items (an inline SVG computed here: no tiles, no JS).

Read in at most five queries whatever the number of items or communes.

The map is drawn from `Commune.geometry` (GeoJSON in WGS84): an equirectangular
projection corrected by the cosine of the middle latitude, fitted to a fixed viewBox,
simplified at about one unit of that viewBox and rounded to whole units, so that the SVG
of a whole department stays small (about 65 KB for the 353 communes of the Gard).

The outlines depend only on the set of communes, not on the counts, so they are kept in
Django's cache: decoding the contours of a department makes enough garbage that a
collection pause now and then pushed the page past 50 ms (p95 95 ms for the Gard on
SQLite, against 4 ms with the outlines cached).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tissage.territories.models import Commune

from ..models import Campaign, Category, Contribution

# Long side of the map in SVG units. Coordinates are whole units: at this size a
# department of 350 communes stays well under 200 KB and a commune is still recognisable.
MAP_SIZE = 1000
MAP_MARGIN = 4
# Douglas-Peucker tolerance, in SVG units: below the rounding step, so invisible.
SIMPLIFY_TOLERANCE = 0.8
TOP_CATEGORIES = 5
# Contours hardly ever change (a re-import of the communes): an hour of staleness at
# worst, in exchange for not decoding them on every view of the campaign page.
OUTLINES_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Bucket:
    """A class of the map's legend: communes with `minimum` to `maximum` items."""

    css_class: str
    minimum: int
    maximum: int | None
    label: str | Promise


BUCKETS: tuple[Bucket, ...] = (
    Bucket("progress-b0", 0, 0, _("no item yet")),
    Bucket("progress-b1", 1, 4, _("1 to 4 items")),
    Bucket("progress-b2", 5, 19, _("5 to 19 items")),
    Bucket("progress-b3", 20, 49, _("20 to 49 items")),
    Bucket("progress-b4", 50, None, _("50 items or more")),
)


def bucket_of(count: int) -> Bucket:
    for bucket in reversed(BUCKETS):
        if count >= bucket.minimum:
            return bucket
    return BUCKETS[0]


@dataclass(frozen=True)
class CommuneCount:
    insee_code: str
    name: str
    count: int

    @property
    def css_class(self) -> str:
        return bucket_of(self.count).css_class


@dataclass(frozen=True)
class CategoryCount:
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class CommuneShape:
    """One commune on the map: its SVG path, its bucket's class, and its tooltip."""

    path: str
    css_class: str
    title: str


@dataclass(frozen=True)
class ProgressMap:
    width: int
    height: int
    shapes: list[CommuneShape]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class Outlines:
    """The drawn communes, whatever their counts: what the cache keeps."""

    width: int
    height: int
    # Commune pk → SVG path data; communes without a usable contour are absent.
    paths: dict[int, str]


@dataclass(frozen=True)
class CampaignProgress:
    # To link each commune and category to the list of its items.
    campaign_slug: str
    # Every commune of the campaign, those with no item included, sorted by name.
    communes: list[CommuneCount]
    validated: int
    communes_reached: int
    communes_covered: int
    top_categories: list[CategoryCount]
    # Published items outside the campaign's communes (or placed in none): counted in
    # the total, shown apart so that the numbers add up.
    elsewhere: int
    map: ProgressMap | None
    legend: tuple[Bucket, ...] = field(default=BUCKETS)


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    published = Contribution.objects.filter(campaign=campaign, status=Contribution.Status.VALIDATED)
    counts: dict[int | None, int] = {
        row["commune_id"]: row["n"]
        for row in published.order_by().values("commune_id").annotate(n=Count("pk"))
    }
    columns = ("id", "insee_code", "name")
    communes = list(campaign.communes.only(*columns).order_by("name", "insee_code"))
    if not communes:
        # A campaign open anywhere: its progress is over the communes it reached.
        reached = [pk for pk in counts if pk is not None]
        communes = list(
            Commune.objects.filter(pk__in=reached).only(*columns).order_by("name", "insee_code")
        )
    rows = {c.pk: CommuneCount(c.insee_code, c.name, counts.get(c.pk, 0)) for c in communes}
    total = sum(counts.values())
    in_communes = sum(row.count for row in rows.values())
    top = (
        Category.objects.filter(campaign=campaign)
        .annotate(n=Count("items", filter=Q(items__status=Contribution.Status.VALIDATED)))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .values_list("name", "slug", "n")[:TOP_CATEGORIES]
    )
    return CampaignProgress(
        campaign_slug=campaign.slug,
        communes=list(rows.values()),
        validated=total,
        communes_reached=sum(1 for row in rows.values() if row.count),
        communes_covered=len(rows),
        top_categories=[CategoryCount(name, slug, n) for name, slug, n in top],
        elsewhere=total - in_communes,
        map=_shaded(cached_outlines(campaign, list(rows)), rows),
    )


def cached_outlines(campaign: Campaign, commune_pks: list[int]) -> Outlines | None:
    if not commune_pks:
        return None
    digest = hashlib.sha256(",".join(map(str, sorted(commune_pks))).encode()).hexdigest()[:24]
    key = f"inventories:progress-outlines:v1:{campaign.pk}:{digest}"
    outlines: Outlines | None = cache.get(key)
    if outlines is None:
        geometries = Commune.objects.filter(pk__in=commune_pks).values_list("pk", "geometry")
        outlines = commune_outlines(geometries)
        cache.set(key, outlines, OUTLINES_CACHE_SECONDS)
    return outlines


def _shaded(outlines: Outlines | None, rows: dict[int, CommuneCount]) -> ProgressMap | None:
    if outlines is None or not outlines.paths:
        return None
    titles: dict[int, str] = {}
    shapes = []
    for pk, row in rows.items():
        if pk not in outlines.paths:
            continue
        if row.count not in titles:
            titles[row.count] = ngettext(
                "%(name)s: %(count)d item", "%(name)s: %(count)d items", row.count
            )
        title = titles[row.count] % {"name": row.name, "count": row.count}
        shapes.append(CommuneShape(outlines.paths[pk], row.css_class, title))
    return ProgressMap(width=outlines.width, height=outlines.height, shapes=shapes)


def _read_rings(geometry: Any) -> list[np.ndarray] | None:
    """The rings of a commune's contour as arrays of (lon, lat), or None when the contour
    is missing or unreadable: the commune is then left off the map (it stays in the table).

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


def commune_outlines(geometries: Iterable[tuple[int, Any]]) -> Outlines | None:
    """SVG paths of the communes' contours fitted together in one viewBox, or None when
    no commune has a usable contour."""
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
    )


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
