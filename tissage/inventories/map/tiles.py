"""The map by tiles: a campaign's published items in one web-map tile (z/x/y).

The page asks for the tiles of its view and of the views around it (a pan, a zoom in or
out), keeps them, and draws from them at once when the map moves; the browser's cache
keeps them across visits (`ETag`, and the data's version in the address). A tile is the
square of the usual web map (OpenStreetMap's z/x/y, 256 px, Web Mercator).

What a tile holds, on the map's grid (`cells.py`) of the level a quarter of a tile
(level z + 2, the level the bounding-box endpoint uses too):
- a **group** per occupied cell, at the mean of its items' public points, counted in
  the one tile that holds that mean: the tiles *partition* the items, so an item on a
  tile's edge (or in a cell across two tiles) is counted once, by one tile;
- a group of **one item** is sent as that item (its id, title and category): the map
  shows it as a marker with its category, never as a disc "1";
- a tile of `TILE_ITEMS_LIMIT` items or fewer (or, at the deepest zoom, up to
  `data.POINT_LIMIT`) sends all its items, so that a sparse map shows each item where
  it is and items at one place can be listed.

Zoom ≤ 12 reads the stored cells (a tile touches at most 5 × 8 of them), with or without
the category, commune and period filters (a period naming a century: the cells are kept
per century too); deeper, or with a period of free words that cells cannot know, the
items are grouped on the fly: a tile that deep holds few of them.
The browser then merges groups whose discs would touch, across tiles (map.js), so that
no two discs overlap whatever the grid: the grid only bounds what a tile weighs.

A tile in three queries at most (the campaign, the groups, the items), whatever the
number of items; four for a tile deeper than the stored cells holding more than
`ON_THE_FLY_ROWS` items (its items read, then grouped by the database). Its JSON is then
kept in Django's cache under the campaign's map version (`tile_json`): every visitor of
the same view in the next minutes gets it for two queries (the campaign, the version).
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import time
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, F, Sum

from tissage.territories.geography import Box

from ..contributions.periods import century_of
from ..models import Campaign, Contribution, MapCell
from ..models.contributions import ContributionQuerySet
from .cells import ANY, MAX_LEVEL, MIN_LEVEL, cell_x, cell_y, cells_in_box, level_size
from .data import LEVELS_PER_ZOOM_OFFSET, POINT_LIMIT

MAX_ZOOM = 19  # Leaflet's deepest zoom on the map page
# Web Mercator stops there: the tiles of the first and last rows reach the poles.
MAX_MERCATOR_LATITUDE = 85.0511287798066
# A tile with this many items or fewer sends them all: on a sparse map each item shows
# where it is. Small, so that the thirty tiles of a view stay light.
TILE_ITEMS_LIMIT = 24
# Rounding of the cell formula at a tile's edges: cells are looked up in a box a hair
# wider than the tile, and the tile keeps those whose mean it holds.
HAIR = 1e-9
# Deeper than the stored cells, a tile's items are read and grouped here when they are
# at most this many (one query); beyond, the database groups them (two).
ON_THE_FLY_ROWS = 1000
# How long a tile may be kept, by the server (`tile_json`) and then by browsers and shared
# caches (views.map_tile), all told: the map version in its key and address sees an item
# published, withdrawn or moved at once; a title or a category changed alone shows within
# this time.
TILE_MAX_AGE = 300
# A view's tiles asked in one request (views.map_tiles), at most: a screen of 1920 × 1080
# touches 9 × 6 of them. A larger screen asks tile by tile.
MAX_TILES_PER_REQUEST = 64


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def box(self) -> Box:
        """The tile in degrees; the first and last rows reach the poles, so that items
        beyond Web Mercator's latitudes belong to a tile too."""
        n = 2**self.z
        north = 90.0 if self.y == 0 else _latitude(self.y / n)
        south = -90.0 if self.y == n - 1 else _latitude((self.y + 1) / n)
        return Box(self.x / n * 360.0 - 180.0, south, (self.x + 1) / n * 360.0 - 180.0, north)

    def holds(self, lon: float, lat: float) -> bool:
        return tile_of(lon, lat, self.z) == (self.x, self.y)


def _latitude(fraction: float) -> float:
    """The latitude at a fraction of the Web Mercator square's height, from the north."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * fraction))))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The one tile of zoom z that holds a point (edges belong to the tile east and
    south of them, as Leaflet draws them)."""
    n = 2**z
    x = math.floor((lon + 180.0) / 360.0 * n)
    lat = min(max(lat, -MAX_MERCATOR_LATITUDE), MAX_MERCATOR_LATITUDE)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


@dataclass(frozen=True)
class Group:
    """The published items of one grid cell (its index cx, cy): how many, and their mean
    public point."""

    cx: int
    cy: int
    count: int
    lon: float
    lat: float


ItemRow = tuple[int, str, int, float, float]  # id, title, category id, public point


def tile_level(z: int) -> int:
    return z + LEVELS_PER_ZOOM_OFFSET


def _cell_of(lon: float, lat: float, size: float) -> tuple[int, int]:
    # The very expression of `cells.CellIndex` (and of the triggers), in Python.
    return math.floor((lon + 180.0) / size), math.floor((lat + 90.0) / size)


def _cell_box(cx: int, cy: int, size: float) -> Box:
    return Box(cx * size - 180.0, cy * size - 90.0, (cx + 1) * size - 180.0, (cy + 1) * size - 90.0)


def _widened(box: Box) -> Box:
    return Box(box.min_lon - HAIR, box.min_lat - HAIR, box.max_lon + HAIR, box.max_lat + HAIR)


def _stored_groups(
    campaign: Campaign,
    tile: Tile,
    level: int,
    *,
    category: str,
    commune: str,
    century: int | None,
) -> list[Group]:
    cells = cells_in_box(
        campaign, level, _widened(tile.box), category=category, commune=commune, century=century
    ).values_list("cx", "cy", "count", "sum_lon", "sum_lat")
    groups = (Group(cx, cy, n, slon / n, slat / n) for cx, cy, n, slon, slat in cells)
    return [group for group in groups if tile.holds(group.lon, group.lat)]


def _groups_on_the_fly(
    items: ContributionQuerySet, tile: Tile, level: int
) -> tuple[list[Group], list[ItemRow] | None]:
    """The tile's groups from the items themselves; and, when the tile's cells hold at
    most `ON_THE_FLY_ROWS` items (deep zooms: nearly always), those items, read in the
    same query (else None: `_items_of` reads those it needs)."""
    size = level_size(level)
    box = _widened(tile.box)
    (west, south), (east, north) = (
        _cell_of(box.min_lon, box.min_lat, size),
        _cell_of(box.max_lon, box.max_lat, size),
    )
    # Whole cells, so that each group's mean is its whole cell's; then only those cells
    # (an item on the outer edge of the last one belongs to the next).
    covered = items.public_in_box(
        Box(*_cell_box(west, south, size)[:2], *_cell_box(east, north, size)[2:])
    )
    rows = list(
        covered.order_by().values_list(
            "pk", "title", "category_id", "public_longitude", "public_latitude"
        )[: ON_THE_FLY_ROWS + 1]
    )
    if len(rows) <= ON_THE_FLY_ROWS:
        cells: dict[tuple[int, int], list[ItemRow]] = {}
        for row in rows:
            cells.setdefault(_cell_of(row[3], row[4], size), []).append(row)
        groups, kept = [], []
        for (cx, cy), members in cells.items():
            if not (west <= cx <= east and south <= cy <= north):
                continue
            # Summed exactly (fsum): every tile finds the same mean for a cell, whatever
            # the order the rows came in.
            lon = math.fsum(row[3] for row in members) / len(members)
            lat = math.fsum(row[4] for row in members) / len(members)
            if tile.holds(lon, lat):
                groups.append(Group(cx, cy, len(members), lon, lat))
                kept += members
        return groups, sorted(kept)
    grouped = (
        covered.annotate(cx=cell_x(size), cy=cell_y(size))
        .order_by()
        .values("cx", "cy")
        .annotate(
            n=Count("pk"),
            mean_lon=Avg(F("public_longitude")),
            mean_lat=Avg(F("public_latitude")),
        )
        .values_list("cx", "cy", "n", "mean_lon", "mean_lat")
    )
    found = (Group(*row) for row in grouped if west <= row[0] <= east and south <= row[1] <= north)
    return [group for group in found if tile.holds(group.lon, group.lat)], None


def _items_of(items: ContributionQuerySet, groups: list[Group], size: float) -> list[ItemRow]:
    """The items of these cells, read through the map index one small box per cell."""
    if not groups:
        return []
    wanted = {(group.cx, group.cy) for group in groups}
    # One box per cell, OR-ed: each walks the map index (`public_in_box`), however many
    # items lie between the cells.
    boxes = [items.public_in_box(_cell_box(cx, cy, size)) for cx, cy in sorted(wanted)]
    rows = (
        reduce(operator.or_, boxes)
        .order_by()
        .values_list("pk", "title", "category_id", "public_longitude", "public_latitude")
    )
    return sorted(row for row in rows if _cell_of(row[3], row[4], size) in wanted)


def tile_content(
    campaign: Campaign,
    tile: Tile,
    *,
    category: str = "",
    commune: str = "",
    period: str = "",
) -> dict[str, Any]:
    """What the tile holds, compact: `clusters` as [lon, lat, count] and `items` as
    [id, lon, lat, category id, title]; `total` counts both."""
    level = tile_level(tile.z)
    size = level_size(level)
    items = Contribution.objects.filtered(
        campaign, category=category, commune=commune, period=period
    ).published()
    read: list[ItemRow] | None = None
    # The same reading of the period as `filtered`: a century, else words of free text.
    century = century_of(period) if period else None
    if level <= MAX_LEVEL and (century is not None or not period):
        groups = _stored_groups(
            campaign, tile, level, category=category, commune=commune, century=century
        )
    else:
        groups, read = _groups_on_the_fly(items, tile, level)
    total = sum(group.count for group in groups)
    limit = POINT_LIMIT if tile.z >= MAX_ZOOM else TILE_ITEMS_LIMIT
    every_item = total <= limit
    alone = groups if every_item else [group for group in groups if group.count == 1]
    if read is None:
        rows = _items_of(items, alone, size)
    else:
        wanted = {(group.cx, group.cy) for group in alone}
        rows = [row for row in read if _cell_of(row[3], row[4], size) in wanted]
    return {
        "tile": [tile.z, tile.x, tile.y],
        "total": total,
        "clusters": [
            [round(group.lon, 5), round(group.lat, 5), group.count]
            for group in sorted(groups, key=lambda group: (group.cy, group.cx))
            if not every_item and group.count > 1
        ],
        "items": [
            [pk, round(lon, 6), round(lat, 6), category_id, title]
            for pk, title, category_id, lon, lat in rows
        ],
    }


def map_version(campaign: Campaign) -> str:
    """A short tag that changes when the campaign's published items appear, go or move
    (the sums of its coarsest cells, kept by the database): the tiles' addresses carry
    it, so that a page loaded after a change asks for new tiles. One query, a few rows.

    It does not see an item's new title or category alone: the tiles' `ETag` (a hash of
    their content) and their short `max-age` cover those.
    """
    sums = MapCell.objects.filter(
        campaign=campaign, category=ANY, commune=ANY, century=ANY, level=MIN_LEVEL
    ).aggregate(n=Sum("count"), lon=Sum("sum_lon"), lat=Sum("sum_lat"))
    text = f"{sums['n'] or 0}:{sums['lon'] or 0:.9f}:{sums['lat'] or 0:.9f}"
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def tile_json(
    campaign: Campaign,
    tile: Tile,
    *,
    category: str = "",
    commune: str = "",
    period: str = "",
) -> tuple[bytes, int]:
    """The tile's compact JSON, and how many more seconds it may be kept by whoever gets
    it (`tiles_json` for one tile)."""
    bodies, seconds_left = tiles_json(
        campaign, [tile], category=category, commune=commune, period=period
    )
    return bodies[0], seconds_left


def tiles_json(
    campaign: Campaign,
    tiles: list[Tile],
    *,
    category: str = "",
    commune: str = "",
    period: str = "",
) -> tuple[list[bytes], int]:
    """Each tile's compact JSON, in the order asked, and how many more seconds they may
    all be kept by whoever gets them. Each is kept in Django's cache under the
    campaign's map version and the filters, for `TILE_MAX_AGE` from when it was made: a
    view's tiles are the same for every visitor, so a campaign's map read by many (a
    newsletter, the Journées du patrimoine) makes each once per version and process.
    The seconds left make the browser's `max-age`, so that a tile is never kept longer
    than `TILE_MAX_AGE` in all. The version is read once, and the kept tiles in one
    look-up, whatever the number of tiles."""
    version = map_version(campaign)
    keys = [
        "map-tile:"
        + hashlib.blake2b(
            repr((campaign.pk, campaign.slug, version, tile, category, commune, period)).encode(),
            digest_size=16,
        ).hexdigest()
        for tile in tiles
    ]
    kept = cache.get_many(keys)
    now = time.time()
    made = {}
    for key, tile in zip(keys, tiles, strict=True):
        found = kept.get(key)
        if found is None or now - found[0] >= TILE_MAX_AGE:
            content = tile_content(
                campaign, tile, category=category, commune=commune, period=period
            )
            kept[key] = made[key] = (
                now,
                json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode(),
            )
    if made:
        cache.set_many(made, TILE_MAX_AGE)
    oldest = min(kept[key][0] for key in keys)
    return [kept[key][1] for key in keys], max(0, TILE_MAX_AGE - int(now - oldest))
