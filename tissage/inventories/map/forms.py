"""The map endpoint's query: the part in view, the zoom, the filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .data import Box


class MapQueryForm(forms.Form):
    """The map's request: what is in view (bbox), at which zoom, with which filters."""

    bbox = forms.CharField(
        error_messages={"required": _("Say which part of the map to show (bbox).")}
    )
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
    category = forms.SlugField(required=False)
    commune = forms.RegexField(
        regex=r"^(\d{5}|2[AB]\d{3})$",
        required=False,
        error_messages={"invalid": _("A commune is given by its INSEE code, e.g. 30189.")},
    )
    period = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": _("Give a shorter period (at most 40 characters).")},
    )

    def clean_bbox(self) -> Box:
        parts = self.cleaned_data["bbox"].split(",")
        message = _(
            "bbox is four numbers separated by commas: west, south, east, north "
            "(longitudes and latitudes in degrees)."
        )
        if len(parts) != 4:
            raise forms.ValidationError(message)
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError as error:
            raise forms.ValidationError(message) from error
        if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
            raise forms.ValidationError(message)
        return Box(min_lon, min_lat, max_lon, max_lat)
