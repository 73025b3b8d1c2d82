"""What the participatory map shows: the published proposals and remarks that have a
point, in a bounding box, as points or, when many, as clusters.

The grouping is the inventories' (`inventories.map.data`): up to its point limit every
item is sent, above it they are grouped on a grid that follows the zoom, so nothing is
dropped silently. Down to zoom 12 the clusters are the consultation's stored cells
(`ProposalCell`, kept by the database: `cells.py`), at most 33 × 33 read a view whatever
the number of remarks; deeper, a view holds few remarks and they are grouped on the fly.
A cell partly outside the view counts whole, as on the inventories' map.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max, Min, QuerySet

from tissage.inventories.map import data as inventory_map
from tissage.inventories.map.cells import MAX_LEVEL
from tissage.inventories.map.data import (
    cell_level,
    features_on_the_fly,
    points_collection,
    stored_clusters,
)
from tissage.territories.geography import Box

from ..models import Category, Consultation, Proposal
from .cells import cells_in_box

# Marker colours of the map's kinds (consultations/map.css), in the kinds' order; ideas
# placed on the map have their own.
KIND_COLOURS = 6
IDEA_COLOUR = "idea"
OTHER_COLOUR = "other"

PointRow = tuple[int, str, str, int | None, str | None, int, float, float]


def map_kinds(consultation: Consultation) -> QuerySet[Category]:
    """The kinds of remark (the map's categories), in the legend's order."""
    return Category.objects.filter(consultation=consultation, part=Category.Part.MAP).order_by(
        "position", "name"
    )


def kind_colour(index: int) -> str:
    """The colour of the `index`-th kind of remark (a class of consultations/map.css)."""
    return f"k{index % KIND_COLOURS}"


def kind_colours(consultation: Consultation) -> dict[int, str]:
    """The colour of each kind of remark, by its id: one query."""
    ids = map_kinds(consultation).values_list("pk", flat=True)
    return {pk: kind_colour(i) for i, pk in enumerate(ids)}


def colour_of(part: str, category_id: int | None, colours: dict[int, str]) -> str:
    if part == Proposal.Part.IDEAS:
        return IDEA_COLOUR
    return colours.get(category_id or 0, OTHER_COLOUR)


def placed(consultation: Consultation) -> QuerySet[Proposal]:
    """The consultation's published proposals and remarks that have a point."""
    return Proposal.objects.filter(
        consultation=consultation, status=Proposal.Status.PUBLISHED, longitude__isnull=False
    )


def _in_view(items: QuerySet[Proposal], box: Box) -> QuerySet[Proposal]:
    return items.filter(
        longitude__gte=box.min_lon,
        longitude__lte=box.max_lon,
        latitude__gte=box.min_lat,
        latitude__lte=box.max_lat,
    )


def map_features(consultation: Consultation, box: Box, zoom: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (RFC 7946) of what is placed in `box`: one query for
    clusters (the stored cells), three for points (the cells or the first rows, the
    points, the kinds' colours)."""
    in_view = _in_view(placed(consultation), box)
    # No ORDER BY: with a LIMIT, the database stops at the first rows it finds.
    rows: QuerySet[Proposal, Any] = in_view.order_by().values_list(
        "pk",
        "title",
        "part",
        "category_id",
        "category__name",
        "support_count",
        "longitude",
        "latitude",
    )

    def to_points(found: list[PointRow]) -> list[dict[str, Any]]:
        colours = kind_colours(consultation) if found else {}
        return [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "id": pk,
                    "title": title,
                    "part": part,
                    "category": name or "",
                    "colour": colour_of(part, category_id, colours),
                    "supports": supports,
                },
            }
            for pk, title, part, category_id, name, supports, lon, lat in found
        ]

    level = cell_level(box, zoom)
    if level <= MAX_LEVEL:
        cells = list(cells_in_box(consultation, level, box).only("count", "sum_lon", "sum_lat"))
        total = sum(cell.count for cell in cells)
        if total > inventory_map.POINT_LIMIT:
            return stored_clusters(cells)
        # Few in the cells the view touches (or none): the points themselves, strictly
        # in view.
        return points_collection(to_points(list(rows)) if total else [])
    return features_on_the_fly(in_view, rows, to_points, level, lon="longitude", lat="latitude")


def map_extent(consultation: Consultation) -> Box | None:
    """Where the map opens: the project's communes, else what is placed already."""
    if communes := consultation.project.communes.bounds():
        return communes
    extent = placed(consultation).aggregate(
        west=Min("longitude"), south=Min("latitude"), east=Max("longitude"), north=Max("latitude")
    )
    if extent["west"] is None:
        return None
    return Box(extent["west"], extent["south"], extent["east"], extent["north"])
