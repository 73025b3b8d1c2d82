"""Form fields for places: coordinates, INSEE codes, map boxes, communes typed as text.

Each field carries its messages, so that every form that asks for a longitude (an
action's meeting point, an inventory item, a moderator moving a point) says the same
thing in the same words; a form only changes the label or the help text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .commune_names import (
    EVERY_COMMUNE_NAME,
    commune_from_text,
    commune_text,
    communes_from_text,
    communes_text,
)
from .geography import (
    LATITUDE,
    LONGITUDE,
    MAX_LATITUDE,
    MAX_LONGITUDE,
    MIN_LATITUDE,
    MIN_LONGITUDE,
    Box,
    parse_degrees,
    parse_point,
    validate_insee_code,
)
from .models import Commune

# Coordinates --------------------------------------------------------------------------------


class CoordinateInput(forms.TextInput):
    """The text box of a longitude or a latitude. A point pasted whole into the other
    box ("43.8370, 4.3601", as map apps copy it) counts for this one too when it is
    empty: the person pastes once, and each field takes its own half."""

    def __init__(self, partner: tuple[str, str]) -> None:
        # A text box rather than <input type="number">: phones show a decimal keypad
        # all the same, and browsers do not silently empty a value with a comma or a °.
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off"})
        self.partner = partner  # (this field's axis word, the other's), e.g. in a prefix

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        if value is None or not str(value).strip():
            mine, theirs = self.partner
            other = data.get(name.replace(mine, theirs))
            if isinstance(other, str) and parse_point(other) is not None:
                return other
        return value


class _CoordinateField(forms.FloatField):
    """A number of degrees typed in a text box, as people type them: a decimal comma,
    degrees-minutes-seconds with N/S/E/W (`geography.parse_degrees`), or a whole point
    pasted from a map app, of which the field takes its half. The range and the messages
    come from the subclass."""

    axis: str
    other_axis: str
    minimum: float
    maximum: float
    default_label: Promise
    default_help_text: Promise
    messages: dict[str, Promise]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", self.default_label)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.setdefault("widget", CoordinateInput((self.axis, self.other_axis)))
        kwargs["error_messages"] = {**self.messages, **kwargs.get("error_messages", {})}
        super().__init__(min_value=self.minimum, max_value=self.maximum, **kwargs)

    def _half(self, point: tuple[float, float]) -> float:
        return point[0] if self.axis == LONGITUDE else point[1]

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if value is None or isinstance(value, float | int):
            return super().to_python(value)
        text = str(value).strip()
        if not text:
            return None
        if (point := parse_point(text)) is not None:
            return self._half(point)
        degrees = parse_degrees(text)
        if degrees is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if degrees.axis not in (None, self.axis):
            raise forms.ValidationError(self.error_messages["axis"], code="axis")
        return degrees.value

    def prepare_value(self, value: Any) -> Any:
        # A pasted point shows, on a form sent back, as this field's half only.
        if isinstance(value, str) and (point := parse_point(value)) is not None:
            return str(self._half(point))
        return super().prepare_value(value)


class LongitudeField(_CoordinateField):
    """A longitude in decimal degrees, -180 to 180."""

    axis, other_axis = LONGITUDE, LATITUDE
    minimum, maximum = MIN_LONGITUDE, MAX_LONGITUDE
    default_label = _("Longitude")
    default_help_text = _("In decimal degrees, e.g. 4.3601.")
    messages = {
        "required": _("Type the longitude, e.g. 4.3601."),
        "invalid": _(
            "Type the longitude as a number, e.g. 4.3601 or 4°21'36\"E, or paste the point "
            "from a map, e.g. 43.8370, 4.3601."
        ),
        "axis": _("This is a latitude (N or S): type it in the latitude box."),
        "min_value": _("Type a longitude between -180 and 180, e.g. 4.3601."),
        "max_value": _("Type a longitude between -180 and 180, e.g. 4.3601."),
    }


class LatitudeField(_CoordinateField):
    """A latitude in decimal degrees, -90 to 90."""

    axis, other_axis = LATITUDE, LONGITUDE
    minimum, maximum = MIN_LATITUDE, MAX_LATITUDE
    default_label = _("Latitude")
    default_help_text = _("In decimal degrees, e.g. 43.8374.")
    messages = {
        "required": _("Type the latitude, e.g. 43.8374."),
        "invalid": _(
            "Type the latitude as a number, e.g. 43.8374 or 43°50'15\"N, or paste the point "
            "from a map, e.g. 43.8370, 4.3601."
        ),
        "axis": _("This is a longitude (E or W): type it in the longitude box."),
        "min_value": _("Type a latitude between -90 and 90, e.g. 43.8374."),
        "max_value": _("Type a latitude between -90 and 90, e.g. 43.8374."),
    }


BOTH_OR_NEITHER = _("Give both the longitude and the latitude, or neither.")


def point_from_fields(
    form: forms.Form, *, longitude: str = "longitude", latitude: str = "latitude"
) -> tuple[float, float] | None:
    """For a form's `clean()`: the point (lon, lat) when both fields are given, else None.

    One of the two without the other is an error on the missing one. Nothing is added
    when either field already has an error: its own message says what to fix.
    """
    lon, lat = form.cleaned_data.get(longitude), form.cleaned_data.get(latitude)
    if form.has_error(longitude) or form.has_error(latitude):
        return None
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        form.add_error(longitude if lon is None else latitude, BOTH_OR_NEITHER)
        return None
    return (lon, lat)


# INSEE codes and map boxes ------------------------------------------------------------------


class InseeCodeField(forms.CharField):
    """An INSEE code alone, e.g. in a query string (`?commune=30189`); read without
    regard to case or surrounding spaces, cleaned to the stored form ("2a004" → "2A004").
    A name, or "Nîmes (30189)", is for `CommuneField`."""

    default_validators = [validate_insee_code]

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "").upper()


class BoxField(forms.CharField):
    """The part of a map in view, "west,south,east,north" in degrees (Leaflet's
    `toBBoxString()`), cleaned to a `Box`."""

    default_error_messages = {
        "required": _("Say which part of the map to show (bbox)."),
        "invalid": _(
            "bbox is four numbers separated by commas: west, south, east, north "
            "(longitudes and latitudes in degrees)."
        ),
    }

    def to_python(self, value: Any) -> Box | None:  # type: ignore[override]
        if isinstance(value, Box):
            return value
        text = super().to_python(value)
        if not text:
            return None
        box = Box.from_text(text)
        if box is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return box


# Communes as text ---------------------------------------------------------------------------


class _CommuneTextField(forms.CharField):
    """Communes typed as names or codes, searched among `among` (every commune by
    default); `among` and `among_name` may be set in the form's `__init__`."""

    def __init__(
        self,
        *,
        among: QuerySet[Commune] | None = None,
        among_name: str | Promise = EVERY_COMMUNE_NAME,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.among = among
        self.among_name = among_name


class CommuneInput(forms.TextInput):
    """The text box of one commune, with suggestions while a name or code is typed: HTMX
    fills a native `<datalist>` from `territories:suggestions` (which a screen reader
    announces and a keyboard chooses like any browser suggestion), and a link below leads
    to the communes of a department, for whoever has no JavaScript or is unsure of the
    spelling. The box stays a text box: what is typed is read by `CommuneField`.

    Suggestions come from every commune: a field searching `among` fewer keeps the plain
    text box, or a person would be offered communes the form then refuses."""

    template_name = "territories/widgets/commune_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        datalist_id = f"{widget['attrs'].get('id') or name}_suggestions"
        # HTMX sends the box's value under the field's name; `field` tells the view which.
        suggestions_url = reverse("territories:suggestions") + "?" + urlencode({"field": name})
        widget["attrs"].update(
            {
                "list": datalist_id,
                "hx-get": suggestions_url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{datalist_id}",
                "hx-swap": "innerHTML",
                # A later letter cancels the request of an earlier one.
                "hx-sync": "this:replace",
            }
        )
        widget["datalist_id"] = datalist_id
        widget["communes_url"] = reverse("territories:communes")
        return context


class CommunesField(_CommuneTextField):
    """Several communes, separated by commas, semicolons or new lines; cleaned to a list
    of communes (each once, sorted by name), shown back as "Name (code), …"."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Iterable) and not isinstance(value, str):
            return communes_text(value)
        return value

    def clean(self, value: Any) -> list[Commune]:  # type: ignore[override]
        text = super().clean(value)
        return communes_from_text(text, among=self.among, among_name=self.among_name)


class CommuneField(_CommuneTextField):
    """One commune by name or code; cleaned to a commune, or None when left empty."""

    def __init__(self, **kwargs: Any) -> None:
        # Room for the longest name (45 characters) and " (code)", with some slack.
        kwargs.setdefault("max_length", 210)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            # A model form's initial value is the commune's key.
            value = Commune.objects.filter(pk=value).only("name", "insee_code").first()
            return commune_text(value) if value is not None else ""
        return commune_text(value) if isinstance(value, Commune) else value

    def clean(self, value: Any) -> Commune | None:  # type: ignore[override]
        text = super().clean(value)
        return commune_from_text(text, among=self.among, among_name=self.among_name)


# Departments --------------------------------------------------------------------------------


class DepartmentForm(forms.Form):
    """The department whose communes to list (`?departement=30`), among those the
    platform has communes of."""

    departement = forms.ChoiceField(
        label=_("Department"),
        error_messages={
            "required": _("Choose a department from the list."),
            # Without the value: a query string may hold anything.
            "invalid_choice": _(
                "The platform knows no commune in this department: choose one from the list."
            ),
        },
    )

    def __init__(self, *args: Any, departments: list[tuple[str, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departement"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a department")),
            *(
                (
                    department,
                    ngettext(
                        "%(department)s (%(count)d commune)",
                        "%(department)s (%(count)d communes)",
                        count,
                    )
                    % {"department": department, "count": count},
                )
                for department, count in departments
            ),
        ]
