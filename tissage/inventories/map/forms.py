"""The map endpoint's query: the part in view, the zoom, the filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.territories.forms import BoxField, InseeCodeField

from .tiles import MAX_TILES_PER_REQUEST, MAX_ZOOM, Tile


class MapViewForm(forms.Form):
    """What a map asks for: the part in view (bbox), at which zoom. Other apps' map
    endpoints (consultations) read it too, with the same messages."""

    bbox = BoxField()
    zoom = forms.IntegerField(
        min_value=0,
        max_value=22,
        error_messages={
            "required": _("Say at which zoom level (zoom, 0 to 22)."),
            "invalid": _("The zoom level is a whole number from 0 to 22."),
            "min_value": _("The zoom level is a whole number from 0 to 22."),
            "max_value": _("The zoom level is a whole number from 0 to 22."),
        },
    )


class MapFiltersForm(forms.Form):
    """The list's filters, as the map reads them."""

    category = forms.SlugField(required=False)
    commune = InseeCodeField(required=False)
    period = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": _("Give a shorter period (at most 40 characters).")},
    )


class MapQueryForm(MapViewForm, MapFiltersForm):
    """The inventory map's request by bounding box: the view, with the list's filters."""


TILE_ERRORS = {
    "required": _("Say which tile: its zoom, column and row (z/x/y)."),
    "invalid": _("A tile is three whole numbers: zoom (0 to 19), column and row."),
    "min_value": _("A tile is three whole numbers: zoom (0 to 19), column and row."),
    "max_value": _("A tile is three whole numbers: zoom (0 to 19), column and row."),
}


TILES_ERRORS = {
    "required": _("Say which tiles: their zoom, columns and rows (z/x-x/y-y)."),
    "invalid": _("Tiles are whole numbers: zoom (0 to 19), first and last column and row."),
    "min_value": _("Tiles are whole numbers: zoom (0 to 19), first and last column and row."),
    "max_value": _("Tiles are whole numbers: zoom (0 to 19), first and last column and row."),
}


class MapTileForm(MapFiltersForm):
    """A tile of the map (z/x/y, from the address) with the list's filters, and the
    version of the data the page was shown with (`v`, only part of the address)."""

    z = forms.IntegerField(min_value=0, max_value=MAX_ZOOM, error_messages=TILE_ERRORS)
    x = forms.IntegerField(min_value=0, error_messages=TILE_ERRORS)
    y = forms.IntegerField(min_value=0, error_messages=TILE_ERRORS)
    v = forms.RegexField(
        regex=r"^[0-9a-f]{1,32}$",
        required=False,
        error_messages={
            "invalid": _("The map's version (v) is a short code of digits and letters a to f.")
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        z, x, y = (cleaned.get(key) for key in ("z", "x", "y"))
        if z is not None and x is not None and y is not None and max(x, y) >= 2**z:
            raise forms.ValidationError(
                _("At zoom %(z)d, columns and rows go from 0 to %(last)d."),
                code="outside",
                params={"z": z, "last": 2**z - 1},
            )
        return cleaned


class MapTilesForm(MapFiltersForm):
    """The tiles of a rectangle of the map, in one request: zoom z, columns x to x_last
    and rows y to y_last (from the address), with the list's filters and the version of
    the data the page was shown with (`v`)."""

    z = forms.IntegerField(min_value=0, max_value=MAX_ZOOM, error_messages=TILES_ERRORS)
    x = forms.IntegerField(min_value=0, error_messages=TILES_ERRORS)
    x_last = forms.IntegerField(min_value=0, error_messages=TILES_ERRORS)
    y = forms.IntegerField(min_value=0, error_messages=TILES_ERRORS)
    y_last = forms.IntegerField(min_value=0, error_messages=TILES_ERRORS)
    v = MapTileForm.base_fields["v"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keys = ("z", "x", "x_last", "y", "y_last")
        z, x, x_last, y, y_last = (cleaned.get(key) for key in keys)
        if z is None or x is None or x_last is None or y is None or y_last is None:
            return cleaned
        if max(x_last, y_last) >= 2**z:
            raise forms.ValidationError(
                _("At zoom %(z)d, columns and rows go from 0 to %(last)d."),
                code="outside",
                params={"z": z, "last": 2**z - 1},
            )
        if x > x_last or y > y_last:
            raise forms.ValidationError(
                _("Give the first column and row, then the last: 3-5, not 5-3."),
                code="reversed",
            )
        if (x_last - x + 1) * (y_last - y + 1) > MAX_TILES_PER_REQUEST:
            raise forms.ValidationError(
                _("At most %(most)d tiles in one request: ask for a smaller part of the map."),
                code="too_many",
                params={"most": MAX_TILES_PER_REQUEST},
            )
        return cleaned

    def tiles(self) -> list[Tile]:
        """The rectangle's tiles, row by row."""
        data = self.cleaned_data
        return [
            Tile(data["z"], x, y)
            for y in range(data["y"], data["y_last"] + 1)
            for x in range(data["x"], data["x_last"] + 1)
        ]
