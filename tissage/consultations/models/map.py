"""The participatory map's cells: how many published, placed proposals of a consultation
lie in one grid cell, and where on average (the inventories' `MapCell`, without its
filters: the participatory map has none)."""

from __future__ import annotations

from django.db import models

from .consultations import Consultation


class ProposalCell(models.Model):
    """Kept by the database (triggers of migration 0010, `consultations.map.cells`): a
    proposal counts in one cell per level while it is published and has a point."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    count = models.IntegerField(default=0)
    # Sums of the points: the cluster is drawn at their mean.
    sum_lon = models.FloatField(default=0)
    sum_lat = models.FloatField(default=0)

    class Meta:
        constraints = [
            # Also the index every map request walks: consultation, level, cx range.
            models.UniqueConstraint(
                fields=["consultation", "level", "cx", "cy"], name="one_proposal_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}/{self.level}/{self.cx}/{self.cy}: {self.count}"
