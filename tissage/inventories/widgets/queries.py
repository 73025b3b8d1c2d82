"""Reads of the inventories' widgets: a campaign's map drawn on the server, its latest
published items.

The map is an SVG made here, like the progress map (`map.progress`): the communes'
outlines (`territories.outlines`, cached) and the published items on their *public*
points, one by one up to `map.data.POINT_LIMIT`, grouped on the map's grid beyond
(`map.data.map_features`, the endpoint's own rule: nothing is dropped silently, an
obscured place stays obscured). No tiles and no script: nothing is asked of a third
party by the visitors of the site that shows it, and it is a few kilobytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tissage.territories.outlines import Projection, cached_outlines

from ..map.data import campaign_extent, map_features
from ..models import Campaign, Contribution
from ..models.contributions import ContributionQuerySet

LATEST_COUNT = 5
# The grid of the map's groups: `map_features` takes it as a zoom and coarsens it until a
# view holds at most 32 cells a side (`map.data.cell_level`).
WIDGET_ZOOM = 16
POINT_RADIUS = 9
CLUSTER_RADIUS_MIN = 14
CLUSTER_RADIUS_MAX = 44


@dataclass(frozen=True)
class Mark:
    """A point (count 1) or a group of items on the map, in the SVG's units."""

    x: float
    y: float
    radius: float
    count: int


@dataclass(frozen=True)
class WidgetMap:
    width: int
    height: int
    outlines: list[str]
    marks: list[Mark]
    total: int

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def campaign_map(campaign: Campaign) -> WidgetMap | None:
    """The campaign's communes and its published items, or None when there is nothing to
    draw (no commune, no item). Five queries at most, whatever the number of items;
    four once the outlines are cached."""
    extent = campaign_extent(campaign)
    if extent is None:
        return None
    outlines = cached_outlines(campaign.communes.values_list("pk", flat=True))
    if outlines is not None:
        projection = outlines.projection
        width, height = outlines.width, outlines.height
        paths = list(outlines.paths.values())
    else:
        projection = Projection.fitted(*extent)
        width, height = projection.size(extent.max_lon, extent.min_lat)
        paths = []
    data = map_features(campaign, extent, WIDGET_ZOOM)
    marks = []
    for feature in data["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        count = feature["properties"].get("count", 1)
        x, y = projection.point(lon, lat)
        marks.append(Mark(round(x, 1), round(y, 1), _radius(count), count))
    return WidgetMap(width, height, paths, marks, data["total"])


def _radius(count: int) -> float:
    if count == 1:
        return POINT_RADIUS
    return round(min(CLUSTER_RADIUS_MIN + 3 * math.sqrt(count), CLUSTER_RADIUS_MAX), 1)


def latest_items(campaign: Campaign) -> ContributionQuerySet:
    """The last published items, as the campaign page lists them."""
    return (
        Contribution.objects.filter(campaign=campaign)
        .published()
        .for_cards()
        .newest_published_first()[:LATEST_COUNT]
    )
