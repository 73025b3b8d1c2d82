"""The participatory map's remarks counted per grid cell (`ProposalCell`), so that a view
reads at most 33 × 33 cells whatever the number of remarks: the inventories' grid
(`inventories.map.cells`: the same levels, cells and formula), without the filters.

**The database keeps the cells**: triggers on the proposals' table (migration 0010, for
SQLite and PostgreSQL) add a proposal to its cells when it becomes published with a
point, take it out when it stops being either or is deleted, and move it when its point
or its consultation changes, in the same transaction as the change, whatever wrote it (a
form, the admin, `QuerySet.update()`, `bulk_create`). Cells whose remarks all left keep
a count of 0: the map skips them. `cells_check` recomputes the cells from the proposals
with the ORM, a code path independent of the triggers (the tests compare both). **If the
levels or the cell formula change, the triggers must be recreated by a new migration.**
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet, Sum

from tissage.inventories.map.cells import (
    MAX_LEVEL,
    MIN_LEVEL,
    SUM_TOLERANCE,
    CellTotals,
    cell_x,
    cell_y,
    cells_touched,
    level_size,
)
from tissage.territories.geography import Box

from ..models import Consultation, Proposal, ProposalCell

# The first key of the PostgreSQL advisory lock that serialises writes to one
# consultation's cells (the second is its id); it must match migration 0010's triggers.
LOCK_CLASS = 740_302

CellKey = tuple[int, int, int]  # level, cx, cy


def counted(consultation: Consultation) -> QuerySet[Proposal]:
    """What the cells count: the consultation's published proposals with a point."""
    return Proposal.objects.filter(
        consultation=consultation, status=Proposal.Status.PUBLISHED, longitude__isnull=False
    )


def cells_in_box(consultation: Consultation, level: int, box: Box) -> QuerySet[ProposalCell]:
    """The consultation's non-empty cells of a level that the box touches."""
    return ProposalCell.objects.filter(consultation=consultation, **cells_touched(level, box))


def cells_computed(consultation: Consultation) -> dict[CellKey, CellTotals]:
    """The cells as they should be, computed from the proposals (one query per level)."""
    totals: dict[CellKey, CellTotals] = {}
    for level in range(MIN_LEVEL, MAX_LEVEL + 1):
        size = level_size(level)
        rows = (
            counted(consultation)
            .order_by()
            .annotate(cx=cell_x(size, "longitude"), cy=cell_y(size, "latitude"))
            .values_list("cx", "cy")
            .annotate(n=Count("pk"), slon=Sum("longitude"), slat=Sum("latitude"))
        )
        for cx, cy, n, slon, slat in rows:
            totals[(level, cx, cy)] = CellTotals(n, slon, slat)
    return totals


def cells_stored(consultation: Consultation) -> dict[CellKey, CellTotals]:
    rows = ProposalCell.objects.filter(consultation=consultation, count__gt=0).values_list(
        "level", "cx", "cy", "count", "sum_lon", "sum_lat"
    )
    return {(level, cx, cy): CellTotals(n, slon, slat) for level, cx, cy, n, slon, slat in rows}


def cells_check(consultation: Consultation) -> list[str]:
    """What differs between the stored cells and the proposals; empty when they agree."""
    expected, stored = cells_computed(consultation), cells_stored(consultation)
    problems: defaultdict[str, list[str]] = defaultdict(list)
    for key in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(key), stored.get(key)
        where = "level {}, cell {},{}".format(*key)
        if want is None or have is None or want.count != have.count:
            problems[where].append(
                f"{have.count if have else 0} stored, {want.count if want else 0} placed"
            )
        elif (
            abs(want.sum_lon - have.sum_lon) > SUM_TOLERANCE
            or abs(want.sum_lat - have.sum_lat) > SUM_TOLERANCE
        ):
            problems[where].append("the mean position differs")
    return [f"{where}: {'; '.join(found)}" for where, found in problems.items()]
