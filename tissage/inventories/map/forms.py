"""The map endpoint's query: the part in view, the zoom, the filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.territories.forms import BoxField, InseeCodeField


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


class MapQueryForm(MapViewForm):
    """The inventory map's request: the view, with the list's filters."""

    category = forms.SlugField(required=False)
    commune = InseeCodeField(required=False)
    period = forms.CharField(
        required=False,
        max_length=40,
        error_messages={"max_length": _("Give a shorter period (at most 40 characters).")},
    )
