"""INSEE codes, points, boxes and distances: the one rule for each."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError

from tissage.territories.geography import (
    INSEE_CODE_MESSAGE,
    Box,
    distance_metres,
    insee_code_from_text,
    is_insee_code,
    is_valid_point,
    name_prefix_keys,
    parse_coordinate,
    parse_degrees,
    parse_point,
    validate_insee_code,
)

FULL_WIDTH_30189 = "".join(chr(0xFF10 + int(digit)) for digit in "30189")

# Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        ("nîm", {"nim"}),
        ("St J", {"saint j"}),
        # The last word may be the start of a name as well as an abbreviation.
        ("st", {"saint", "st"}),
        ("Saint-Gilles ste", {"saint gilles sainte", "saint gilles ste"}),
        ("l’Estré", {"l estre"}),
        ("  -'.  ", set()),
    ],
)
def test_the_keys_a_name_being_typed_begins(typed, keys):
    assert name_prefix_keys(typed) == keys


# INSEE codes --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["30189", "01001", "97411", "2A004", "2B033"])
def test_real_codes_are_insee_codes(code):
    assert is_insee_code(code)
    validate_insee_code(code)  # no error


@pytest.mark.parametrize(
    "code",
    [
        "0A123",  # a letter outside Corsica: the old collectives pattern let it through
        "2C123",
        "3A123",
        "2a004",  # stored codes are upper case; text is normalised by insee_code_from_text
        "3018",
        "301890",
        " 30189",
        "30189\n",
        FULL_WIDTH_30189,  # digits to Python's \d, not to INSEE
        "",
    ],
)
def test_anything_else_is_refused_with_a_message_saying_what_to_type(code):
    assert not is_insee_code(code)
    with pytest.raises(ValidationError) as refusal:
        validate_insee_code(code)
    assert refusal.value.code == "invalid_insee_code"
    assert refusal.value.messages == [str(INSEE_CODE_MESSAGE)]
    assert "30189" in refusal.value.messages[0]


def test_a_value_that_is_not_text_is_refused_not_crashed_on():
    with pytest.raises(ValidationError):
        validate_insee_code(30189)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("30189", "30189"),
        ("  30189 ", "30189"),
        ("2a004", "2A004"),
        ("Nîmes (30189)", "30189"),
        ("Ajaccio (2a004)", "2A004"),
        ("Nîmes ( 30189 ) ", "30189"),
        ("Nîmes", None),
        ("0A123", None),
        ("Nîmes (0A123)", None),
        ("30189 Nîmes", None),
        ("(30189) Nîmes", None),
        ("", None),
    ],
)
def test_the_code_a_text_gives(text, code):
    assert insee_code_from_text(text) == code


# Points -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat", "valid"),
    [
        (4.36, 43.84, True),
        (-180, -90, True),
        (180, 90, True),
        (180.0001, 0, False),
        (0, -90.0001, False),
        (math.nan, 0, False),
        (0, math.inf, False),
    ],
)
def test_valid_points(lon, lat, valid):
    assert is_valid_point(lon, lat) is valid


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("4.3601", 4.3601),
        (" 4,3601 ", 4.3601),
        ("-0,5", -0.5),
        ("43", 43.0),
        ("", None),
        ("abc", None),
        ("4.3.6", None),
        ("4,3,6", None),
        ("nan", None),
        ("inf", None),
        ("-Infinity", None),
    ],
)
def test_coordinates_typed_by_people(text, number):
    assert parse_coordinate(text) == number


# Distances ----------------------------------------------------------------------------------


def test_distances_along_a_meridian_and_the_equator():
    # A great circle's arc is the radius times the angle: the mean radius of the Earth.
    one_degree = 6_371_008.8 * math.pi / 180
    assert distance_metres(4.36, 43.0, 4.36, 44.0) == pytest.approx(one_degree)
    assert distance_metres(0, 0, 90, 0) == pytest.approx(90 * one_degree)
    # At latitude 60 a degree of longitude is about half as long (a little more along
    # the great circle than along the parallel).
    assert distance_metres(4.0, 60.0, 5.0, 60.0) == pytest.approx(one_degree / 2, rel=1e-4)


def test_distance_is_symmetric_and_zero_on_the_spot():
    assert distance_metres(4.36, 43.84, 4.36, 43.84) == 0
    there_and_back = (
        distance_metres(4.36, 43.84, 4.37, 43.85),
        distance_metres(4.37, 43.85, 4.36, 43.84),
    )
    assert there_and_back[0] == pytest.approx(there_and_back[1])


def test_fifty_metres_at_the_scale_of_a_village():
    # 50 m north is 50 / 111,320 of a degree; the haversine agrees within a few cm.
    assert distance_metres(4.36, 43.84, 4.36, 43.84 + 50 / 111_320) == pytest.approx(50, abs=0.2)


# Boxes --------------------------------------------------------------------------------------


def test_a_box_reads_like_the_tuple_it_replaces():
    box = Box(4.0, 43.5, 4.5, 44.0)
    min_lon, min_lat, max_lon, max_lat = box
    assert (min_lon, min_lat, max_lon, max_lat) == (4.0, 43.5, 4.5, 44.0)
    assert box == (4.0, 43.5, 4.5, 44.0)
    assert (box.width, box.height) == (0.5, 0.5)


@pytest.mark.parametrize("lat", [0.0, 43.84, 60.0, 89.9999])
def test_the_box_around_a_point_holds_every_point_within_the_distance(lat):
    box = Box.around(4.36, lat, 50)
    for bearing in range(0, 360, 15):
        # A point 49.9 m away in each direction, by a flat-earth step (fine at 50 m).
        d_north = 49.9 * math.cos(math.radians(bearing)) / 111_320
        d_east = (
            49.9
            * math.sin(math.radians(bearing))
            / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        )
        assert box.contains(4.36 + d_east, lat + d_north)
    assert box.height == pytest.approx(100 / 111_320)


def test_the_box_around_a_point_stops_widening_near_the_pole():
    assert Box.around(0, 90, 1000).width == pytest.approx(2 * 1000 / (111_320 * 0.01))


def test_covering_boxes():
    assert Box.covering([]) is None
    assert Box.covering([(4.0, 43.5, 4.2, 43.7), Box(4.1, 43.4, 4.5, 43.6)]) == Box(
        4.0, 43.4, 4.5, 43.7
    )


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("4.0,43.5,4.5,44.0", Box(4.0, 43.5, 4.5, 44.0)),
        (" 4 , 43.5, 4.5 ,44", Box(4.0, 43.5, 4.5, 44.0)),
        ("-180,-90,180,90", Box(-180, -90, 180, 90)),
        ("4.0,43.5,4.5", None),
        ("4.0,43.5,4.5,44.0,1", None),
        ("4.0;43.5;4.5;44.0", None),
        ("west,43.5,4.5,44.0", None),
        ("4.5,43.5,4.0,44.0", None),  # west of east
        ("4.0,43.5,4.0,44.0", None),  # empty
        ("4.0,44.0,4.5,43.5", None),  # upside down
        ("-181,43.5,4.5,44.0", None),
        ("4.0,43.5,4.5,90.1", None),
        ("nan,43.5,4.5,44.0", None),
        ("-inf,43.5,4.5,44.0", None),
        ("", None),
    ],
)
def test_boxes_of_map_requests(text, box):
    assert Box.from_text(text) == box


def test_a_box_written_as_text_reads_back():
    box = Box(4.123456, 43.5, 4.5, 44.0)
    assert box.as_text() == "4.12346,43.50000,4.50000,44.00000"
    assert Box.from_text(box.as_text()) == Box(4.12346, 43.5, 4.5, 44.0)


def test_a_box_contains_its_edges():
    box = Box(4.0, 43.5, 4.5, 44.0)
    assert box.contains(4.0, 43.5) and box.contains(4.5, 44.0) and box.contains(4.2, 43.7)
    assert not box.contains(3.99, 43.7) and not box.contains(4.2, 44.01)


# Coordinates as people type them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "axis"),
    [
        ("43,8370", 43.837, None),
        (" -0.58 ", -0.58, None),
        ("43°50'13\"N", 43.8369444, "latitude"),
        ("43° 50\u2032 13.2\u2033 N", 43.837, "latitude"),  # primes, as phones write them
        ("43º50'13''n", 43.8369444, "latitude"),
        ("N 43°50.217'", 43.83695, "latitude"),
        ("4°21'36\"E", 4.36, "longitude"),
        ("0°34'W", -0.5666667, "longitude"),
        ("0°34'O", -0.5666667, "longitude"),  # ouest
        ("33°52'S", -33.8666667, "latitude"),
        ("4.36 E", 4.36, "longitude"),
        ("43°", 43.0, None),
    ],
)
def test_degrees_as_phones_maps_and_gps_write_them(text, value, axis):
    degrees = parse_degrees(text)
    assert degrees is not None
    assert degrees.value == pytest.approx(value, abs=1e-7)
    assert degrees.axis == axis


@pytest.mark.parametrize(
    "text", ["", "abc", "4.3.2", "43°61'", "43°10'75\"", "-4°E", "1e400", "43 50 13", "N", "°"]
)
def test_what_is_no_number_of_degrees(text):
    assert parse_degrees(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "43.8370, 4.3601",  # Google Maps, OpenStreetMap
        "43.8370,4.3601",
        "43,8370, 4,3601",  # decimal commas
        "43,8370 4,3601",
        "43.8370;4.3601",
        "43°50'13.2\"N 4°21'36.4\"E",
        "4°21'36.4\"E, 43°50'13.2\"N",  # letters say which is which
    ],
)
def test_a_point_pasted_from_a_map_app(text):
    lon, lat = parse_point(text)  # type: ignore[misc]
    assert lon == pytest.approx(4.3601, abs=1e-4)
    assert lat == pytest.approx(43.837, abs=1e-4)


@pytest.mark.parametrize(
    "text", ["43.837", "43.8 N 4.3 N", "4 E 5 W", "100, 4", "a, b", "43.8, 4.3, 2", "4,3601"]
)
def test_what_is_no_point(text):
    assert parse_point(text) is None
