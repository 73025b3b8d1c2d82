"""Form fields for places, used the way the apps' forms use them."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils import translation

from tissage.core.tests.factories import CommuneFactory
from tissage.territories.forms import (
    BoxField,
    CommuneField,
    CommuneInput,
    CommunesField,
    InseeCodeField,
    LatitudeField,
    LongitudeField,
    point_from_fields,
)
from tissage.territories.geography import Box
from tissage.territories.models import Commune

# Coordinates --------------------------------------------------------------------------------

LONGITUDE_INVALID = (
    "Type the longitude as a number, e.g. 4.3601 or 4°21'36\"E, or paste the point from a "
    "map, e.g. 43.8370, 4.3601."
)
LATITUDE_INVALID = (
    "Type the latitude as a number, e.g. 43.8374 or 43°50'15\"N, or paste the point from a "
    "map, e.g. 43.8370, 4.3601."
)


class PlaceForm(forms.Form):
    """As an action's or a contribution's form: both coordinates optional, together."""

    longitude = LongitudeField(required=False)
    latitude = LatitudeField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["point"] = point_from_fields(self)
        return data


class MoveForm(forms.Form):
    """As the moderators' location form: both required."""

    longitude = LongitudeField(help_text="Moving the point finds the commune again.")
    latitude = LatitudeField()


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    with translation.override("en"):
        form.is_valid()
        return {field: list(messages) for field, messages in form.errors.items()}


@pytest.mark.parametrize(
    ("longitude", "latitude", "point"),
    [
        ("4.3601", "43.8374", (4.3601, 43.8374)),
        (" 4,3601 ", "43,8374", (4.3601, 43.8374)),  # a French keyboard's decimal comma
        ("-180", "-90", (-180.0, -90.0)),
        ("180", "90", (180.0, 90.0)),
        ("", "", None),
        ("  ", "", None),
    ],
)
def test_points_that_are_accepted(longitude, latitude, point):
    form = PlaceForm({"longitude": longitude, "latitude": latitude})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["point"] == point


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"longitude": "abc", "latitude": "43.8"},
            {"longitude": [LONGITUDE_INVALID]},
        ),
        (
            {"longitude": "4.3", "latitude": "quarante"},
            {"latitude": [LATITUDE_INVALID]},
        ),
        (
            {"longitude": "nan", "latitude": "inf"},
            {
                "longitude": [LONGITUDE_INVALID],
                "latitude": [LATITUDE_INVALID],
            },
        ),
        (
            {"longitude": "181", "latitude": "43.8"},
            {"longitude": ["Type a longitude between -180 and 180, e.g. 4.3601."]},
        ),
        (
            {"longitude": "4.3", "latitude": "-90.5"},
            {"latitude": ["Type a latitude between -90 and 90, e.g. 43.8374."]},
        ),
        # One without the other: said on the one missing.
        (
            {"longitude": "4.3", "latitude": ""},
            {"latitude": ["Give both the longitude and the latitude, or neither."]},
        ),
        (
            {"longitude": "", "latitude": "43.8"},
            {"longitude": ["Give both the longitude and the latitude, or neither."]},
        ),
        # A wrong number is not also "missing": one message saying what to fix.
        (
            {"longitude": "", "latitude": "x"},
            {"latitude": [LATITUDE_INVALID]},
        ),
        (
            {"longitude": "x", "latitude": ""},
            {"longitude": [LONGITUDE_INVALID]},
        ),
    ],
)
def test_points_that_are_refused_say_what_to_type(data, errors):
    assert errors_of(PlaceForm(data)) == errors


def test_required_coordinates_say_what_to_type():
    assert errors_of(MoveForm({"longitude": "", "latitude": ""})) == {
        "longitude": ["Type the longitude, e.g. 4.3601."],
        "latitude": ["Type the latitude, e.g. 43.8374."],
    }


def test_the_fields_render_as_decimal_text_boxes_with_their_help():
    form = MoveForm(initial={"longitude": 4.3601, "latitude": 43.8374})
    with translation.override("en"):
        html = str(form["longitude"]) + form["longitude"].help_text
        label = form["latitude"].label

    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'autocomplete="off"' in html
    assert 'value="4.3601"' in html
    assert "min=" not in html  # a browser would refuse a comma in a bounded number box
    assert "Moving the point finds the commune again." in html
    assert str(label) == "Latitude"
    with translation.override("en"):
        assert str(PlaceForm()["latitude"].help_text) == "In decimal degrees, e.g. 43.8374."


def test_a_form_may_change_a_message():
    class Strict(forms.Form):
        longitude = LongitudeField(error_messages={"required": "Place the point."})

    assert errors_of(Strict({})) == {"longitude": ["Place the point."]}
    with translation.override("en"):
        # The other messages stay the shared ones.
        assert errors_of(Strict({"longitude": "x"})) == {"longitude": [LONGITUDE_INVALID]}


def test_saved_floats_go_through_unchanged():
    field = LongitudeField()
    assert field.clean(4.36) == 4.36
    assert field.clean(4) == 4.0


# INSEE codes and boxes ----------------------------------------------------------------------


class MapQuery(forms.Form):
    bbox = BoxField()
    commune = InseeCodeField(required=False)


def test_a_map_request_is_read():
    form = MapQuery({"bbox": "4.0,43.5,4.5,44.0", "commune": " 2a004 "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"bbox": Box(4.0, 43.5, 4.5, 44.0), "commune": "2A004"}
    assert MapQuery({"bbox": "4.0,43.5,4.5,44.0"}).is_valid()
    assert MapQuery({"bbox": "4.0,43.5,4.5,44.0", "commune": ""}).is_valid()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"bbox": ["Say which part of the map to show (bbox)."]}),
        (
            {"bbox": "4.5,43.5,4.0,44.0"},
            {
                "bbox": [
                    "bbox is four numbers separated by commas: west, south, east, north "
                    "(longitudes and latitudes in degrees)."
                ]
            },
        ),
        (
            {"bbox": "4.0,43.5,4.5,44.0", "commune": "0A123"},
            {
                "commune": [
                    "Type the commune’s INSEE code: five digits, or 2A or 2B and three digits "
                    "in Corsica, e.g. 30189."
                ]
            },
        ),
        (
            {"bbox": "4.0,43.5,4.5,44.0", "commune": "Nîmes (30189)"},
            {
                "commune": [
                    "Type the commune’s INSEE code: five digits, or 2A or 2B and three digits "
                    "in Corsica, e.g. 30189."
                ]
            },
        ),
    ],
)
def test_a_bad_map_request_says_what_to_send(data, errors):
    assert errors_of(MapQuery(data)) == errors


# Communes as text ---------------------------------------------------------------------------


class AvailabilityForm(forms.Form):
    """As the volunteers' form: communes among every commune."""

    communes = CommunesField(required=False, max_length=2000)


class CampaignForm(forms.Form):
    """As a campaign's settings: communes among the organisation's, set per form."""

    communes = CommunesField(required=False)

    def __init__(self, *args: Any, among: Any, among_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["communes"]
        assert isinstance(field, CommunesField)
        field.among, field.among_name = among, among_name


class InitiativeForm(forms.Form):
    """As an initiative's form: one commune, optional."""

    commune = CommuneField(required=False, help_text="Its name or INSEE code.")


@pytest.fixture
def gard(db):
    return [
        CommuneFactory(name="Anduze", insee_code="30010"),
        CommuneFactory(name="Lézan", insee_code="30146"),
        CommuneFactory(name="Nîmes", insee_code="30189"),
    ]


def test_communes_are_cleaned_to_a_list(gard):
    form = AvailabilityForm({"communes": "nimes, Anduze (30010)\n30146"})
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["communes"]) == set(gard)
    assert AvailabilityForm({"communes": ""}).is_valid()


def test_communes_are_shown_as_text_that_reads_back(gard):
    html = str(AvailabilityForm(initial={"communes": gard[:2]})["communes"])
    assert "<textarea" in html
    assert "Anduze (30010), Lézan (30146)" in html
    # Text given as initial (a suggestion) is shown as it is.
    assert "Nîmes (30189)" in str(AvailabilityForm(initial={"communes": "Nîmes (30189)"}))


def test_every_commune_not_understood_is_an_error_of_the_field(gard):
    errors = errors_of(AvailabilityForm({"communes": "Anduze, Nulle-Part, 99999"}))
    assert list(errors) == ["communes"]
    assert len(errors["communes"]) == 2
    assert "the communes known to the platform" in errors["communes"][0]


def test_communes_among_a_set_set_by_the_form(gard):
    among = Commune.objects.filter(insee_code__in=["30010", "30146"])
    form = CampaignForm({"communes": "Nîmes"}, among=among, among_name="the communes of X")

    errors = errors_of(form)

    assert errors == {
        "communes": [
            "“Nîmes” is not among the communes of X: check the spelling, or give its INSEE code."
        ]
    }
    # Another form of the same class is not affected.
    other = CampaignForm({"communes": "Nîmes"}, among=Commune.objects.all(), among_name="all")
    assert other.is_valid(), other.errors


def test_one_commune(gard):
    form = InitiativeForm({"commune": "  NIMES "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == gard[2]
    empty = InitiativeForm({"commune": ""})
    assert empty.is_valid()
    assert empty.cleaned_data["commune"] is None


def test_one_commune_refused_says_what_to_type(gard):
    errors = errors_of(InitiativeForm({"commune": "99999"}))
    assert errors == {
        "commune": [
            "No commune has the INSEE code 99999 among the communes known to the platform: "
            "check it, or type the name."
        ]
    }
    too_long = errors_of(InitiativeForm({"commune": "x" * 211}))
    assert list(too_long) == ["commune"]


def test_one_commune_is_shown_as_text_that_reads_back(gard):
    html = str(InitiativeForm(initial={"commune": gard[1]})["commune"])
    assert 'value="Lézan (30146)"' in html


# Coordinates as people type them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "point"),
    [
        ({"longitude": "4°21'36\"E", "latitude": "43°50'13\"N"}, (4.36, 43.8369444)),
        ({"longitude": "0°34'O", "latitude": "N 43°50.217'"}, (-0.5666667, 43.83695)),
        # A point pasted whole into one box: each field takes its half.
        ({"longitude": "", "latitude": "43.8370, 4.3601"}, (4.3601, 43.837)),
        ({"longitude": "43,8370 4,3601", "latitude": ""}, (4.3601, 43.837)),
        ({"longitude": "43.8370, 4.3601", "latitude": "43.8370, 4.3601"}, (4.3601, 43.837)),
    ],
)
def test_coordinates_as_people_type_them(data, point):
    form = PlaceForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["point"] == pytest.approx(point, abs=1e-7)


def test_a_pasted_point_shows_as_its_two_halves_when_the_form_comes_back():
    form = PlaceForm({"longitude": "", "latitude": "43.8370, 4.3601"})
    assert form["latitude"].value() == "43.837"
    assert form["longitude"].value() == "4.3601"


def test_a_prefixed_form_finds_the_other_half_too():
    form = PlaceForm({"place-latitude": "43.8370, 4.3601"}, prefix="place")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["point"] == (4.3601, 43.837)


def test_a_latitude_typed_in_the_longitude_box_is_said_so():
    with translation.override("en"):
        form = PlaceForm({"longitude": "43°50'13\"N", "latitude": "4°21'36\"E"})
        assert errors_of(form) == {
            "longitude": ["This is a latitude (N or S): type it in the latitude box."],
            "latitude": ["This is a longitude (E or W): type it in the longitude box."],
        }


class HomeForm(forms.Form):
    home_commune = CommuneField(required=False, widget=CommuneInput())


@pytest.mark.django_db
def test_the_commune_box_is_bound_to_its_suggestions():
    html = str(HomeForm(prefix="profile")["home_commune"])

    # The box stays a text box, bound to a native datalist that HTMX fills.
    assert 'type="text"' in html and 'name="profile-home_commune"' in html
    assert 'list="id_profile-home_commune_suggestions"' in html
    assert '<datalist id="id_profile-home_commune_suggestions"></datalist>' in html
    assert 'hx-get="/communes/suggestions/?field=profile-home_commune"' in html
    assert 'hx-target="#id_profile-home_commune_suggestions"' in html
    assert 'hx-trigger="input changed delay:250ms"' in html
    assert 'hx-sync="this:replace"' in html
    # The browser's own memory of past entries would hide the suggestions.
    assert 'autocomplete="off"' in html
    # Without JavaScript: the communes of each department.
    assert '<a href="/communes/">' in html


@pytest.mark.django_db
def test_the_commune_box_shows_the_commune_as_it_reads_back():
    nimes = CommuneFactory(name="Nîmes", insee_code="30189")

    html = str(HomeForm(initial={"home_commune": nimes})["home_commune"])

    assert 'value="Nîmes (30189)"' in html
    assert HomeForm({"home_commune": "Nîmes (30189)"}).is_valid()
