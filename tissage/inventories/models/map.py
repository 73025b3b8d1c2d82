"""The map's pre-aggregated cells (kept by database triggers: see `map/cells.py`)."""

from __future__ import annotations

from django.db import models


class MapCell(models.Model):
    """How many published items of a campaign lie in one grid cell, and where on average."""

    campaign = models.ForeignKey("inventories.Campaign", on_delete=models.CASCADE, related_name="+")
    # A category's primary key, or `map.cells.ANY` (0). Not foreign keys: 0 is no row.
    category = models.PositiveBigIntegerField()
    # A commune's primary key, or `map.cells.ANY`.
    commune = models.PositiveBigIntegerField()
    # A century (1 to 21, `Contribution.century`), or `map.cells.ANY`.
    century = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    count = models.IntegerField(default=0)
    # Sums of the public points: the cluster is drawn at their mean.
    sum_lon = models.FloatField(default=0)
    sum_lat = models.FloatField(default=0)

    class Meta:
        constraints = [
            # Also the index every map request walks: campaign, filters, level, cx range.
            models.UniqueConstraint(
                fields=["campaign", "category", "commune", "century", "level", "cx", "cy"],
                name="one_map_cell",
            )
        ]
        indexes = [
            # The counts of a campaign (its progress per commune and category, the item
            # list's pager, the data page) read the coarsest level alone: found by level
            # here, where the index above has the category and the commune first and
            # would read every cell of the campaign (4 ms at 20,000 items, issue #20).
            models.Index(
                fields=["campaign", "level", "century", "category", "commune"],
                name="map_cell_level_idx",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.campaign_id}/{self.category}/{self.commune}/{self.century}/"
            f"{self.level}/{self.cx}/{self.cy}: "
            f"{self.count}"
        )
