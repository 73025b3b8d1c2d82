"""The map endpoint's query: the part in view, the zoom, the filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.territories.forms import BoxField, InseeCodeField

from .tiles import MAX_ZOOM


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
