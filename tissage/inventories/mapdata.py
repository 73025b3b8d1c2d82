"""What the map shows: published items in a bounding box, as points or as clusters.

The server never drops items silently: below `POINT_LIMIT` items in view it sends each
one; above, it groups them on a grid whose cells follow the zoom level (so clusters do
not jump when the map pans) and says how many items each cluster holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Func, IntegerField

from .models import ContributionQuerySet

POINT_LIMIT = 400
MAX_CELLS_PER_SIDE = 32
CELLS_PER_TILE = 4


@dataclass(frozen=True)
class Box:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def width(self) -> float:
        return self.max_lon - self.min_lon

    @property
    def height(self) -> float:
        return self.max_lat - self.min_lat


def _with_public_point(items: ContributionQuerySet) -> ContributionQuerySet:
    """Short names for the point as the public may see it (a generated column)."""
    return items.annotate(plon=F("public_longitude"), plat=F("public_latitude"))


class CellIndex(Func):
    """floor(value / size) for a positive value, as an integer.

    SQLite has no native FLOOR (Django would call Python once per row); for positive
    values a cast to integer truncates, which is the same thing and runs in C.
    """

    function = "FLOOR"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS INTEGER)")


def cell_size(box: Box, zoom: int) -> float:
    """Degrees per grid cell: a quarter of a map tile, enlarged if the box is huge."""
    size = 360.0 / (2**zoom) / CELLS_PER_TILE
    while max(box.width, box.height) / size > MAX_CELLS_PER_SIDE:
        size *= 2
    return size


def map_features(items: ContributionQuerySet, box: Box, zoom: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946) of the published items in `box`."""
    in_view = items.published().in_box(box.min_lon, box.min_lat, box.max_lon, box.max_lat)
    total = in_view.count()
    if total <= POINT_LIMIT:
        rows = _with_public_point(in_view).values_list(  # type: ignore[misc]
            "pk", "title", "category__name", "plon", "plat"
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {"id": pk, "title": title, "category": category},
            }
            for pk, title, category, lon, lat in rows
        ]
        return {"type": "FeatureCollection", "total": total, "kind": "points", "features": features}
    size = cell_size(box, zoom)
    cells = (
        _with_public_point(in_view)
        # Shifted by 180° / 90° so that values are positive (see CellIndex).
        .annotate(cx=CellIndex((F("plon") + 180.0) / size), cy=CellIndex((F("plat") + 90.0) / size))
        .order_by()
        .values("cx", "cy")
        .annotate(count=Count("pk"), lon=Avg("plon"), lat=Avg("plat"))
    )
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(cell["lon"], 5), round(cell["lat"], 5)],
            },
            "properties": {"count": cell["count"]},
        }
        for cell in cells
    ]
    return {"type": "FeatureCollection", "total": total, "kind": "clusters", "features": features}
