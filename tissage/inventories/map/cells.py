"""Published items counted per grid cell, so that a map of 100,000 items stays fast.

A cell of level n is a square of 360 / 2ⁿ degrees: cx = floor((lon + 180) / size),
cy = floor((lat + 90) / size), on the item's *public* point (rounded when obscured).
Cells nest: a cell of level n is made of four cells of level n + 1. The map asks for
the level whose cells are a quarter of a tile (see `data.cell_level`).

Cells are kept per combination of three keys, each a value or `ANY` (0): the category,
the commune and the century (`Contribution.century`, 1 to 21). An item counts in the
cells of every combination of its own keys with `ANY` — 8 per level; an item without a
commune or whose century is unknown counts only where that key is `ANY` (4 per level;
2 with neither) — so that the map's filters (category, commune, period naming a
century: any of them at once, as the filter form allows) read cells. The cells of all
items are those where all three keys are `ANY`: every query that sums cells must pin
the keys it does not filter on to `ANY` (`cells_in_box`, `published_items_count`).
A period that names no century (words searched in the answers' text) cannot be kept
in cells: the map groups those items on the fly.

**The database keeps the cells**: triggers on the contributions table (created by
migration 0014, which replaced those of 0003 to add the century; for SQLite and
PostgreSQL) add an item to its cells when it becomes published, take it out when it
stops being published or is deleted, and move it when its public point, category,
commune, century (an edit of the period answer) or campaign changes — in the same
transaction as the change, whatever wrote it (a form, a bulk action, an import,
`QuerySet.update()`, raw SQL). So the counts are never stale and there is nothing to
schedule. Cells whose items all left keep a count of 0 (deleting them would need a
query per level); the map skips them and `cells_rebuild` clears them.

`cells_check` recomputes the cells from the items with the ORM — a code path
independent of the triggers — and `tissage map-cells` runs it (or rebuilds) from the
command line. **If `MIN_LEVEL`, `MAX_LEVEL`, the keys or the cell formula change, the
triggers must be recreated by a new migration** (a test compares them with this module
and with the database's).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Func, IntegerField, OuterRef, QuerySet, Subquery, Sum

from tissage.territories.geography import Box
from tissage.territories.models import Commune

from ..contributions.periods import century_of
from ..models import Campaign, Category, Contribution, MapCell

# Zoom 0 asks for level 2 (four cells around the world); zoom 12 for level 14 (about
# 2 km). Deeper, a view holds few items and the map groups them on the fly.
MIN_LEVEL = 2
MAX_LEVEL = 14
ANY = 0  # `category`, `commune` or `century` of the cells that count every one
# The first key of the PostgreSQL advisory lock that serialises writes to one
# campaign's cells (the second is the campaign's id). Any constant will do; it must
# match the trigger functions of migration 0014.
LOCK_CLASS = 740_301
# The sums of coordinates are added and subtracted as items come and go: their
# rounding may drift by a few units in the 15th digit, far below what a map shows.
SUM_TOLERANCE = 1e-6
# A box's items are counted on the finest level at which it spans at most this many
# cells a side: a few hundred cells read at most, the count exact but for the cells
# the box's edges cut (counted whole).
ESTIMATE_CELLS_PER_SIDE = 8
# Reading a box's items through the map index costs more per item than reading them in
# id order: each row is fetched out of order, then all are sorted (7 times as much on
# SQLite at 100,000 items, bench/api.py); counted 4 times, to err towards the index.
BOX_ROW_COST = 4


def published_items_count(campaign: OuterRef) -> Subquery:
    """Published items of a campaign, for an `annotate`: the sum of its coarsest cells (a
    handful of rows), not a count of its items (the home page, the open API)."""
    return Subquery(
        MapCell.objects.filter(
            campaign=campaign, level=MIN_LEVEL, category=ANY, commune=ANY, century=ANY
        )
        .order_by()
        .values("campaign")
        .annotate(total=Sum("count"))
        .values("total"),
        output_field=IntegerField(),
    )


def published_count(
    campaign: Campaign, *, category: str = "", commune: str = "", century: int = ANY
) -> int:
    """Published items of a campaign, of a category (slug), in a commune (INSEE code) and
    of a century (1 to 21, as `periods.century_of` reads a period) if given: the sum of
    the coarsest cells of that group (a handful of rows, one query), never a count of
    the items — exact, since the triggers keep the cells with the items (the item list's
    pager)."""
    # ANY: every century at once (the cells of one century are a part of these).
    cells = MapCell.objects.filter(campaign=campaign, level=MIN_LEVEL, century=century)
    if category:
        categories = Category.objects.filter(campaign=campaign, slug=category)
        cells = cells.filter(category__in=categories.values("pk"))
    else:
        cells = cells.filter(category=ANY)
    if commune:
        cells = cells.filter(commune__in=Commune.objects.filter(insee_code=commune).values("pk"))
    else:
        cells = cells.filter(commune=ANY)
    return cells.aggregate(total=Sum("count"))["total"] or 0


def filtered_count(
    campaign: Campaign, *, category: str = "", commune: str = "", period: str = ""
) -> int | None:
    """The published items of the item list's filters (`ContributionQuerySet.filtered`),
    from the cells: None for a period that names no century (words searched in the
    answers), which the cells do not know: its items must be counted."""
    century = century_of(period) if period else ANY
    if century is None:
        return None
    return published_count(campaign, category=category, commune=commune, century=century)


def level_size(level: int) -> float:
    """Degrees per cell at a level (exact: 360 divided by a power of two)."""
    return 360.0 / (2**level)


def cells_touched(level: int, box: Box) -> dict[str, int]:
    """The filter of a level's non-empty cells that the box touches (its cx and cy
    ranges), for `MapCell` and the cells of other maps on the same grid
    (consultations' `ProposalCell`)."""
    size = level_size(level)
    return {
        "level": level,
        "cx__gte": math.floor((box.min_lon + 180.0) / size),
        "cx__lte": math.floor((box.max_lon + 180.0) / size),
        "cy__gte": math.floor((box.min_lat + 90.0) / size),
        "cy__lte": math.floor((box.max_lat + 90.0) / size),
        "count__gt": 0,
    }


def cells_in_box(
    campaign: Campaign,
    level: int,
    box: Box,
    *,
    category: str = "",
    commune: str = "",
    century: int | None = None,
) -> QuerySet[MapCell]:
    """A campaign's non-empty cells of a level that the box touches, for all its items
    or for one category (slug), one commune (INSEE code) and one century (1 to 21, as
    `periods.century_of` reads it): none when there is no such category or commune."""
    cells = MapCell.objects.filter(campaign=campaign, **cells_touched(level, box))
    # The filters' rows are found by slug and INSEE code in the same query (none if
    # there is no such category or commune); not correlated, so the database looks
    # them up once and walks the index with them.
    if category:
        found = Category.objects.filter(campaign=campaign, slug=category).values("pk")[:1]
        cells = cells.filter(category=Subquery(found))
    else:
        cells = cells.filter(category=ANY)
    if commune:
        cells = cells.filter(
            commune=Subquery(Commune.objects.filter(insee_code=commune).values("pk")[:1])
        )
    else:
        cells = cells.filter(commune=ANY)
    return cells.filter(century=ANY if century is None else century)


def box_is_dense(
    campaign: Campaign, box: Box, *, page: int, category: str = "", commune: str = ""
) -> bool:
    """Whether a page of the campaign's published items in the box, in id order, is
    found sooner by reading the items in id order than by reading the box and sorting
    it (`ContributionQuerySet.public_in_box(dense=…)`).

    Of N published items, B are in the box and W of them are of the category and
    commune asked: in id order, about page × N / W items are read before the page is
    full (N at most); through the box, B, each at `BOX_ROW_COST` times the price. One
    query on the stored cells: B and W on a level where the box spans a few cells (cut
    cells counted whole: never fewer than there are), N on the coarsest level. Other
    filters (a date) make both ways read more, alike.
    """
    level = MAX_LEVEL
    while level > MIN_LEVEL and max(box.width, box.height) > (
        ESTIMATE_CELLS_PER_SIDE * level_size(level)
    ):
        level -= 1

    def total(cells: QuerySet[MapCell]) -> Subquery:
        summed = cells.order_by().values("campaign").annotate(total=Sum("count"))
        return Subquery(summed.values("total"), output_field=IntegerField())

    counts = Campaign.objects.filter(pk=campaign.pk).annotate(
        published=published_items_count(OuterRef("pk")),
        in_box=total(cells_in_box(campaign, level, box)),
    )
    if category or commune:
        counts = counts.annotate(
            wanted=total(cells_in_box(campaign, level, box, category=category, commune=commune))
        )
    else:
        counts = counts.annotate(wanted=F("in_box"))
    published, in_box, wanted = (
        count or 0 for count in counts.values_list("published", "in_box", "wanted").get()
    )
    in_id_order = min(published, page * published / wanted) if wanted else published
    return in_id_order < BOX_ROW_COST * in_box


class CellIndex(Func):
    """floor(value / size) for a positive value, as an integer.

    SQLite has no native FLOOR (Django would call Python once per row); for positive
    values a cast to integer truncates, which is the same thing and runs in C. The
    triggers compute the very same expression, so both agree to the last bit.
    """

    function = "FLOOR"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS INTEGER)")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # FLOOR of a double is a double: cast, so that cells compare as integers.
        return self.as_sql(compiler, connection, template="CAST(FLOOR(%(expressions)s) AS integer)")


def cell_x(size: float, field: str = "public_longitude") -> CellIndex:
    # Shifted by 180° / 90° so that values are positive (see CellIndex).
    return CellIndex((F(field) + 180.0) / size)


def cell_y(size: float, field: str = "public_latitude") -> CellIndex:
    return CellIndex((F(field) + 90.0) / size)


@dataclass(frozen=True)
class CellTotals:
    count: int
    sum_lon: float
    sum_lat: float


CellKey = tuple[int, int, int, int, int, int]  # category, commune, century, level, cx, cy


def cell_groups(
    category: int, commune: int | None, century: int | None
) -> list[tuple[int, int, int]]:
    """(category, commune, century) of the cells an item counts in: each of its keys or
    `ANY`; its commune and its century only when it has them."""
    return [
        (each_category, each_commune, each_century)
        for each_category in (ANY, category)
        for each_commune in ((ANY, commune) if commune else (ANY,))
        for each_century in ((ANY, century) if century else (ANY,))
    ]


def cells_computed(campaign: Campaign) -> dict[CellKey, CellTotals]:
    """The cells as they should be, computed from the published items (one query per level)."""
    published = Contribution.objects.filter(campaign=campaign).published().order_by()
    totals: dict[CellKey, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for level in range(MIN_LEVEL, MAX_LEVEL + 1):
        size = level_size(level)
        rows = (
            published.annotate(cx=cell_x(size), cy=cell_y(size))
            .values_list("category_id", "commune_id", "century", "cx", "cy")
            .annotate(n=Count("pk"), slon=Sum("public_longitude"), slat=Sum("public_latitude"))
        )
        for category, commune, century, cx, cy, n, slon, slat in rows:
            for group in cell_groups(category, commune, century):
                cell = totals[(*group, level, cx, cy)]
                cell[0] += n
                cell[1] += slon
                cell[2] += slat
    return {key: CellTotals(int(n), slon, slat) for key, (n, slon, slat) in totals.items()}


def cells_stored(campaign: Campaign) -> dict[CellKey, CellTotals]:
    rows = MapCell.objects.filter(campaign=campaign, count__gt=0).values_list(
        "category", "commune", "century", "level", "cx", "cy", "count", "sum_lon", "sum_lat"
    )
    return {
        (category, commune, century, level, cx, cy): CellTotals(count, slon, slat)
        for category, commune, century, level, cx, cy, count, slon, slat in rows
    }


def cells_check(campaign: Campaign) -> list[str]:
    """What differs between the stored cells and the items; empty when they agree."""
    expected, stored = cells_computed(campaign), cells_stored(campaign)
    problems = []
    for key in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(key), stored.get(key)
        category, commune, century, level, cx, cy = key
        where = (
            f"category {category}, commune {commune}, century {century}, "
            f"level {level}, cell {cx},{cy}"
        )
        if want is None or have is None or want.count != have.count:
            problems.append(
                f"{where}: {have.count if have else 0} stored, "
                f"{want.count if want else 0} published"
            )
        elif (
            abs(want.sum_lon - have.sum_lon) > SUM_TOLERANCE
            or abs(want.sum_lat - have.sum_lat) > SUM_TOLERANCE
        ):
            problems.append(f"{where}: the mean position differs")
    return problems


@transaction.atomic
def cells_rebuild(*, campaign: Campaign) -> int:
    """Recompute a campaign's cells from its items; returns how many cells it holds.

    Not needed in normal operation (the triggers keep the cells): a repair tool, and
    the way to clear cells left at 0.
    """
    if connection.vendor == "postgresql":
        # The triggers take the same lock: no item changes in between.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, campaign.pk])
    MapCell.objects.filter(campaign=campaign).delete()
    cells = cells_computed(campaign)
    MapCell.objects.bulk_create(
        (
            MapCell(
                campaign=campaign,
                category=category,
                commune=commune,
                century=century,
                level=level,
                cx=cx,
                cy=cy,
                count=totals.count,
                sum_lon=totals.sum_lon,
                sum_lat=totals.sum_lat,
            )
            for (category, commune, century, level, cx, cy), totals in cells.items()
        ),
        batch_size=2000,
    )
    return len(cells)
