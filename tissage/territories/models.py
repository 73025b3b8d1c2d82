from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from .geography import Box, validate_insee_code


class CommuneQuerySet(models.QuerySet["Commune"]):
    def touching_box(self, lon: float, lat: float) -> CommuneQuerySet:
        """Communes whose bounding box contains the point: a cheap indexed pre-filter."""
        return self.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)

    def overlapping(self, box: Box) -> CommuneQuerySet:
        """Communes whose bounding box meets `box` (edges included): those a shape in the
        box may touch, found on the index before any contour is read."""
        return self.filter(
            min_lon__lte=box.max_lon,
            max_lon__gte=box.min_lon,
            min_lat__lte=box.max_lat,
            max_lat__gte=box.min_lat,
        )

    def containing(self, lon: float, lat: float) -> Commune | None:
        """The commune whose polygon contains the point (no remote call, no PostGIS)."""
        point = Point(lon, lat)
        for commune in self.touching_box(lon, lat):
            if commune.shape.covers(point):
                return commune
        return None

    def bounds(self) -> Box | None:
        """The box of all communes in the queryset (one query), or None if it is empty."""
        agg = self.aggregate(
            a=models.Min("min_lon"),
            b=models.Min("min_lat"),
            c=models.Max("max_lon"),
            d=models.Max("max_lat"),
        )
        if agg["a"] is None:
            return None
        return Box(agg["a"], agg["b"], agg["c"], agg["d"])


class Commune(models.Model):
    """A French commune, identified by its INSEE code, with its contour."""

    insee_code = models.CharField(
        _("INSEE code"), max_length=5, unique=True, validators=[validate_insee_code]
    )
    name = models.CharField(_("name"), max_length=200)
    department = models.CharField(_("department"), max_length=3, db_index=True)
    # GeoJSON geometry (Polygon or MultiPolygon, WGS84): portable, no PostGIS needed.
    geometry = models.JSONField(_("contour"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "insee_code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"

    @cached_property
    def shape(self) -> BaseGeometry:
        return shape(self.geometry)

    def inside_point(self) -> tuple[float, float]:
        """(lon, lat) of a point surely inside the commune (not always its centroid)."""
        point = self.shape.representative_point()
        return (round(point.x, 6), round(point.y, 6))

    def set_geometry(self, geometry: dict[str, Any]) -> None:
        """Store the contour and its bounding box together."""
        geom = shape(geometry)
        self.geometry = geometry
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = geom.bounds
        self.__dict__.pop("shape", None)
