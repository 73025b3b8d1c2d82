"""What the map shows: published items in a bounding box, as points or as clusters.

The server never drops items silently: up to `POINT_LIMIT` items in view it sends each
one; above, it groups them on a grid whose cells follow the zoom level (so clusters do
not jump when the map pans) and says how many items each cluster holds.

Two ways to group, same grid (see `cells.py`):
- **stored cells** (`MapCell`, kept exact by the database) for zoom ≤ 12, with or
  without the category, commune and period filters (a period that names a century,
  “XIXe”, “19e”, “1850”): at most 33 × 33 rows read, whatever the number of items. A
  cell partly outside the view counts whole, so the total may include a few items just
  beyond the edges;
- **on the fly** otherwise (deep zoom: few items in view; or a period that names no
  century, words of free text that cells cannot know): the items strictly in view.

Everything is decided on the *public* point (rounded to about 1 km when the location
is obscured): asking for a box that ends between an item's exact and public points
tells nothing about the exact one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, QuerySet

from tissage.territories.geography import Box

from ..contributions.periods import century_of
from ..models import Campaign, Contribution, MapCell
from ..models.contributions import ContributionQuerySet
from .cells import MAX_LEVEL, cell_x, cell_y, cells_in_box, level_size

POINT_LIMIT = 400
MAX_CELLS_PER_SIDE = 32
# A cell is a quarter of a map tile's side: level = zoom + 2.
LEVELS_PER_ZOOM_OFFSET = 2


def cell_level(box: Box, zoom: int) -> int:
    """The grid level for a view: a quarter of a tile per cell, coarser if the box is huge."""
    level = zoom + LEVELS_PER_ZOOM_OFFSET
    while level > 0 and max(box.width, box.height) / level_size(level) > MAX_CELLS_PER_SIDE:
        level -= 1
    return level


def cell_size(box: Box, zoom: int) -> float:
    """Degrees per grid cell for a view."""
    return level_size(cell_level(box, zoom))


def _collection(kind: str, total: int, features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "total": total, "kind": kind, "features": features}


def _points(rows: Iterable[PointRow]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {"id": pk, "title": title, "category": category},
        }
        for pk, title, category, lon, lat in rows
    ]


def _clusters(rows: Iterable[tuple[int, float, float]]) -> list[dict[str, Any]]:
    """(count, mean longitude, mean latitude) per cell, as GeoJSON points."""
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {"count": count},
        }
        for count, lon, lat in rows
    ]


def points_collection(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Points (GeoJSON features), each item of the view, as a collection."""
    return _collection("points", len(points), points)


def stored_clusters(cells: Iterable[Any]) -> dict[str, Any]:
    """The clusters of stored cells (each with `count`, `sum_lon`, `sum_lat`, the count
    above 0), each at the mean of its points. Other apps' maps (consultations) keep
    cells of the same grid."""
    rows = [(c.count, c.sum_lon / c.count, c.sum_lat / c.count) for c in cells]
    return _collection("clusters", sum(row[0] for row in rows), _clusters(rows))


PointRow = tuple[int, str, str, float, float]


def _point_rows(in_view: ContributionQuerySet) -> QuerySet[Contribution, PointRow]:
    # No ORDER BY: with a LIMIT, the database stops at the first rows it finds.
    return in_view.order_by().values_list(
        "pk", "title", "category__name", "public_longitude", "public_latitude"
    )


def _stored_cells(
    campaign: Campaign, category: str, commune: str, century: int | None, level: int, box: Box
) -> list[MapCell]:
    cells = cells_in_box(campaign, level, box, category=category, commune=commune, century=century)
    return list(cells.only("cx", "cy", "count", "sum_lon", "sum_lat"))


def _occupied(cells: list[MapCell], level: int, box: Box) -> Box:
    """The part of the view covered by the given cells (a hair wider, for rounding)."""
    size, hair = level_size(level), 1e-9
    return Box(
        max(box.min_lon, min(cell.cx for cell in cells) * size - 180.0 - hair),
        max(box.min_lat, min(cell.cy for cell in cells) * size - 90.0 - hair),
        min(box.max_lon, (max(cell.cx for cell in cells) + 1) * size - 180.0 + hair),
        min(box.max_lat, (max(cell.cy for cell in cells) + 1) * size - 90.0 + hair),
    )


def map_features(
    campaign: Campaign,
    box: Box,
    zoom: int,
    *,
    category: str = "",
    commune: str = "",
    period: str = "",
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946) of the campaign's published items in `box`.

    At most two queries: the stored cells, then the points if they are few (not
    empty); or the points up to the limit, then the clusters on the fly if there are
    more.
    """
    items = Contribution.objects.filtered(
        campaign, category=category, commune=commune, period=period
    ).published()
    in_view = items.public_in_box(box)
    level = cell_level(box, zoom)
    # The same reading of the period as `filtered`: a century, else words of free text.
    century = century_of(period) if period else None
    if level <= MAX_LEVEL and (century is not None or not period):
        cells = _stored_cells(campaign, category, commune, century, level, box)
        total = sum(cell.count for cell in cells)
        if total > POINT_LIMIT:
            return stored_clusters(cells)
        if total == 0:
            return _collection("points", 0, [])
        # Few items: the points themselves, strictly in view, looked for only where
        # the cells say they are (a filter may leave a few items in a wide view).
        # A named commune's items are found through its own index
        # (`contribution_commune_idx`): SQLite's planner, blind to how many items a range
        # holds, would otherwise walk every item of the view's longitudes (the 122
        # lavoirs of Nîmes at zoom 10 among 100,000 items: 11 → 4 ms). `dense` writes
        # the box so that SQLite walks no index on the point; PostgreSQL chooses alone.
        around = items.public_in_box(_occupied(cells, level, box), dense=bool(commune))
        points = _points(_point_rows(around))
        return _collection("points", len(points), points)
    return features_on_the_fly(in_view, _point_rows(in_view), _points, level)


def features_on_the_fly(
    in_view: QuerySet[Any],
    rows: QuerySet[Any, Any],
    to_points: Callable[[list[Any]], list[dict[str, Any]]],
    level: int,
    *,
    lon: str = "public_longitude",
    lat: str = "public_latitude",
) -> dict[str, Any]:
    """The items of `in_view` as points if there are at most `POINT_LIMIT`, else grouped
    on the grid of `level` (see `cell_level`): at most two queries, whatever the number
    of items. `rows` are the points' values (read up to the limit), `to_points` makes
    them GeoJSON features; `lon` and `lat` name the fields that place an item. Other
    apps' maps (consultations) group their points with it."""
    first = list(rows[: POINT_LIMIT + 1])
    if len(first) <= POINT_LIMIT:
        return _collection("points", len(first), to_points(first))
    size = level_size(level)
    groups = (
        in_view.annotate(cx=cell_x(size, lon), cy=cell_y(size, lat))
        .order_by()
        .values("cx", "cy")
        .annotate(n=Count("pk"), mean_lon=Avg(F(lon)), mean_lat=Avg(F(lat)))
        .values_list("n", "mean_lon", "mean_lat")
    )
    clusters = _clusters(groups)
    return _collection("clusters", sum(f["properties"]["count"] for f in clusters), clusters)


def communes_extent(campaign: Campaign) -> Box | None:
    """The box around the communes of the campaign, if it has any."""
    return campaign.communes.bounds()


def campaign_extent(campaign: Campaign) -> Box | None:
    """Where the map opens: the communes of the campaign, else its published items."""
    if communes := communes_extent(campaign):
        return communes
    extent = (
        Contribution.objects.filter(campaign=campaign)
        .published()
        .aggregate(
            west=Min("public_longitude"),
            south=Min("public_latitude"),
            east=Max("public_longitude"),
            north=Max("public_latitude"),
        )
    )
    if extent["west"] is None:
        return None
    return Box(extent["west"], extent["south"], extent["east"], extent["north"])
