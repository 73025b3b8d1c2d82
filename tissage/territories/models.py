from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from .geography import (
    Box,
    insee_code_from_text,
    name_key,
    name_prefix_keys,
    validate_insee_code,
)

# Fewer letters match too many communes to help anyone.
SEARCH_MIN_LENGTH = 2
# The start of an INSEE code: two digits or more (a department), 2A/2B in Corsica.
_CODE_START = re.compile(r"[0-9]{2,5}|2[AB][0-9]{0,3}")


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

    def beginning_with(self, text: str) -> CommuneQuerySet:
        """Communes whose name, as people type it, or whose INSEE code begins with
        `text`: "nim" finds Nîmes and "st j" Saint-Jean-du-Gard, by name
        (`geography.name_prefix_keys`); "301" the codes beginning so, by code; "Nîmes
        (30189)", which a chosen suggestion puts in the box, that commune. None for fewer
        than two characters. Found on the indexes of `search_name` and `insee_code`,
        reading only the name, code and department, never the contour: suggestions while
        a name is typed, which the caller slices."""
        # A NUL is no letter, and PostgreSQL refuses it in a query.
        text = " ".join(text.replace("\x00", " ").split())
        if len(text) < SEARCH_MIN_LENGTH:
            return self.none()
        if code := insee_code_from_text(text):
            found = self.filter(insee_code=code)
        elif _CODE_START.fullmatch(text.upper()):
            found = self.filter(insee_code__startswith=text.upper()).order_by("insee_code")
        else:
            keys = name_prefix_keys(text)
            if not keys:
                return self.none()
            match = models.Q()
            for key in keys:
                match |= models.Q(search_name__startswith=key)
            found = self.filter(match).order_by("search_name", "insee_code")
        return found.only("name", "insee_code", "department")

    def departments(self) -> list[tuple[str, int]]:
        """Each department with communes, and how many, in order (one query)."""
        rows = self.order_by("department").values("department").annotate(count=models.Count("pk"))
        return [(row["department"], row["count"]) for row in rows]

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
    # The name as people type it (`geography.name_key`: "saint jean du gard"), kept by
    # `save()` and the import: names are found on its index, never by reading them all.
    search_name = models.CharField(max_length=200, db_index=True, editable=False, default="")
    department = models.CharField(_("department"), max_length=3, db_index=True)
    # GeoJSON geometry (Polygon or MultiPolygon, WGS84): portable, no PostGIS needed.
    geometry = models.JSONField(_("contour"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    # The legal population (INSEE, "population municipale"), set by
    # `tissage import-populations`; None where it is not known.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "insee_code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

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
