"""Geography on plain numbers and text: INSEE codes, communes' names as people type them,
points, bounding boxes and distances.

No database and no Django model here, so that forms, queries, imports and the map
endpoint of any app share one rule for each, and so that it can be tested on its own.
Longitudes and latitudes are WGS84 degrees, always in that order (GeoJSON's).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# INSEE codes --------------------------------------------------------------------------------

# Five digits, or 2A / 2B and three digits for the two departments of Corsica: the only
# letters an INSEE code ever holds. A regex fragment without anchors, for URL converters
# and larger patterns; [0-9] rather than \d, which lets other scripts' digits through.
INSEE_CODE_REGEX = r"(?:[0-9]{5}|2[AB][0-9]{3})"
_INSEE_CODE = re.compile(INSEE_CODE_REGEX)
# "Nîmes (30189)": the code in parentheses at the end of a name, as `communes_text` writes it.
_CODE_IN_PARENTHESES = re.compile(rf"\(\s*({INSEE_CODE_REGEX})\s*\)\s*$")

INSEE_CODE_MESSAGE = _(
    "Type the commune’s INSEE code: five digits, or 2A or 2B and three digits in Corsica, "
    "e.g. 30189."
)


def is_insee_code(value: str) -> bool:
    """Whether `value` is an INSEE code as stored (upper case, no spaces)."""
    return _INSEE_CODE.fullmatch(value) is not None


def insee_code_from_text(text: str) -> str | None:
    """The INSEE code that `text` gives, as stored: a code alone (" 2a004 ") or in
    parentheses after a name ("Ajaccio (2A004)"); case and spaces around do not matter.
    None when the text gives no code (a name alone, or a malformed code like "0A123")."""
    text = text.strip().upper()
    if _INSEE_CODE.fullmatch(text):
        return text
    match = _CODE_IN_PARENTHESES.search(text)
    return match.group(1) if match else None


def validate_insee_code(value: str) -> None:
    """Validator for stored codes (model fields, form fields after normalising)."""
    if not isinstance(value, str) or not is_insee_code(value):
        raise ValidationError(INSEE_CODE_MESSAGE, code="invalid_insee_code")


# Names --------------------------------------------------------------------------------------

_WORD_BREAKS = re.compile(r"[\s\-'’.]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _name_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return [word for word in _WORD_BREAKS.split(text) if word]


def name_key(name: str) -> str:
    """A commune's name as people type it: case, accents, hyphens, apostrophes, full
    stops and the abbreviations St/Ste do not matter. Stored on each commune
    (`Commune.search_name`), so that a name is found on an index."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _name_words(name))


def name_prefix_keys(text: str) -> set[str]:
    """The keys whose names begin with `text`, a name being typed ("nîm", "st j"): its
    key, and, when its last word reads as an abbreviation, the key with that word as
    typed, since "st" may be the start of "Stenay" as well as "Saint"."""
    words = _name_words(text)
    if not words:
        return set()
    head, last = [_ABBREVIATIONS.get(word, word) for word in words[:-1]], words[-1]
    return {" ".join([*head, _ABBREVIATIONS.get(last, last)]), " ".join([*head, last])}


# Points -------------------------------------------------------------------------------------

MIN_LONGITUDE, MAX_LONGITUDE = -180.0, 180.0
MIN_LATITUDE, MAX_LATITUDE = -90.0, 90.0


def is_valid_point(lon: float, lat: float) -> bool:
    """Whether (lon, lat) is a point on Earth in WGS84 degrees (NaN and infinities are not)."""
    return MIN_LONGITUDE <= lon <= MAX_LONGITUDE and MIN_LATITUDE <= lat <= MAX_LATITUDE


LATITUDE, LONGITUDE = "latitude", "longitude"

# What phones and map sites write for degrees, minutes and seconds, made plain.
_DMS_SIGNS = str.maketrans(
    {"º": "°", "˚": "°", "\u2032": "'", "’": "'", "\u00b4": "'", "\u2033": '"', "”": '"'}
)
_HEMISPHERES = {
    "N": (LATITUDE, 1),
    "S": (LATITUDE, -1),
    "E": (LONGITUDE, 1),
    "W": (LONGITUDE, -1),
    "O": (LONGITUDE, -1),
}  # O: ouest
_HEMISPHERE_AT_END = re.compile(r"^(?P<rest>.*?)\s*(?P<h>[NSEWO])$", re.IGNORECASE)
_HEMISPHERE_AT_START = re.compile(r"^(?P<h>[NSEWO])\s*(?P<rest>.*)$", re.IGNORECASE)
_NUMBER = r"\d+(?:[.,]\d+)?"
_DMS = re.compile(
    rf"^(?P<sign>[-+]?)\s*(?P<deg>{_NUMBER})\s*°\s*"
    rf"(?:(?P<min>{_NUMBER})\s*'\s*(?:(?P<sec>{_NUMBER})\s*(?:\"|'')\s*)?)?$"
)


class Degrees(NamedTuple):
    """A number of degrees as typed, and the axis its N/S/E/W letter names (or None)."""

    value: float
    axis: str | None


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_degrees(text: str) -> Degrees | None:
    """Degrees typed by a person, in any of the ways phones, maps and GPS write them:
    "4.3601", "4,3601" (the French decimal comma), "-0.58", "43°50'13\"N",
    "43° 50' 13.2\" N" (or with primes), "N 43°50.217'", "4°21'36\"E", "0°34'W" (or O,
    ouest). None when it is none of these or not a finite number; the range is for the
    caller."""
    text = text.strip().translate(_DMS_SIGNS)
    axis, sign = None, 1
    found = _HEMISPHERE_AT_END.match(text) or _HEMISPHERE_AT_START.match(text)
    if found and found["rest"]:
        axis, sign = _HEMISPHERES[found["h"].upper()]
        text = found["rest"].strip()
    dms = _DMS.match(text)
    try:
        if dms:
            minutes = _number(dms["min"]) if dms["min"] else 0.0
            seconds = _number(dms["sec"]) if dms["sec"] else 0.0
            if minutes >= 60 or seconds >= 60 or (dms["sec"] and "." in dms["min"]):
                return None
            # Seven decimals: a centimetre, as precise as any phone.
            number = round(_number(dms["deg"]) + minutes / 60 + seconds / 3600, 7)
            if dms["sign"] == "-":
                number = -number
        elif "°" in text or "'" in text or '"' in text:
            return None
        else:
            number = float(text.replace(",", "."))
    except ValueError:
        return None
    if axis is not None and number < 0:
        return None  # "-4°E": two signs that disagree
    number *= sign
    return Degrees(number, axis) if math.isfinite(number) else None


def parse_coordinate(text: str) -> float | None:
    """A longitude or latitude typed by a person (see `parse_degrees`), or None."""
    degrees = parse_degrees(text)
    return degrees.value if degrees else None


_PAIR_WITH_LETTERS = re.compile(r"^(?P<a>.+?[NSEWO])\s*[,;]?\s*(?P<b>[^,;].*?[NSEWO])$", re.I)


def parse_point(text: str) -> tuple[float, float] | None:
    """A point pasted from a map app or a GPS as one text, as (lon, lat), or None: the
    latitude first, as Google Maps, OpenStreetMap and phones copy it ("43.8370, 4.3601",
    "43,8370 4,3601", "43.8370;4.3601"), or with letters in either order
    ("43°50'13\"N 4°21'36\"E", "4.36 E, 43.84 N")."""
    text = text.strip().translate(_DMS_SIGNS)
    parts: list[str] = []
    if ";" in text:
        parts = text.split(";")
    elif lettered := _PAIR_WITH_LETTERS.match(text):
        parts = [lettered["a"], lettered["b"]]
    elif len(pieces := re.split(r",\s+|\s+", text)) == 2:
        parts = pieces
    elif text.count(",") == 1 and "." in text:
        parts = text.split(",")  # "43.8370,4.3601": dots for decimals, a comma between
    if len(parts) != 2:
        return None
    first, second = parse_degrees(parts[0]), parse_degrees(parts[1])
    if first is None or second is None:
        return None
    if first.axis == LONGITUDE or second.axis == LATITUDE:
        first, second = second, first
    if first.axis == LONGITUDE or second.axis == LATITUDE:
        return None  # two latitudes, or two longitudes
    lon, lat = second.value, first.value
    return (lon, lat) if is_valid_point(lon, lat) else None


# Distances ----------------------------------------------------------------------------------

# The mean radius of the Earth (IUGG), and a degree of latitude: precise enough at the
# scale of a village, where the map and the duplicate checks work.
EARTH_RADIUS_METRES = 6_371_008.8
METRES_PER_DEGREE_LAT = 111_320.0
# Near the poles a degree of longitude shrinks to nothing; the boxes stop widening there.
_MIN_LONGITUDE_SHRINK = 0.01


def distance_metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance between two points (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


# Bounding boxes -----------------------------------------------------------------------------


class Box(NamedTuple):
    """A bounding box in degrees: west, south, east, north.

    A tuple, so that code written for `(min_lon, min_lat, max_lon, max_lat)` (shapely's
    `bounds`, `Commune.objects.bounds()`) reads it unchanged.
    """

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def width(self) -> float:
        return self.max_lon - self.min_lon

    @property
    def height(self) -> float:
        return self.max_lat - self.min_lat

    @classmethod
    def around(cls, lon: float, lat: float, metres: float) -> Box:
        """The box that holds every point within `metres` of (lon, lat): a cheap indexed
        pre-filter before `distance_metres` decides."""
        d_lat = metres / METRES_PER_DEGREE_LAT
        shrink = max(math.cos(math.radians(lat)), _MIN_LONGITUDE_SHRINK)
        d_lon = metres / (METRES_PER_DEGREE_LAT * shrink)
        return cls(lon - d_lon, lat - d_lat, lon + d_lon, lat + d_lat)

    @classmethod
    def covering(cls, boxes: Iterable[tuple[float, float, float, float]]) -> Box | None:
        """The smallest box holding all `boxes`, or None when there is none."""
        boxes = list(boxes)
        if not boxes:
            return None
        return cls(
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        )

    @classmethod
    def from_text(cls, text: str) -> Box | None:
        """The box of a map request, "west,south,east,north" in degrees; None unless it is
        four numbers on Earth with west < east and south < north (an empty or upside-down
        box is a mistake, never a view)."""
        parts = text.split(",")
        if len(parts) != 4:
            return None
        try:
            min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
        except ValueError:
            return None
        # NaN fails every comparison, so it is refused here too.
        if not (
            MIN_LONGITUDE <= min_lon < max_lon <= MAX_LONGITUDE
            and MIN_LATITUDE <= min_lat < max_lat <= MAX_LATITUDE
        ):
            return None
        return cls(min_lon, min_lat, max_lon, max_lat)

    def as_text(self) -> str:
        """The box as "west,south,east,north" to five decimals (about a metre): what the
        pages give the map script (`data-bbox`), and what `from_text` reads back."""
        return f"{self.min_lon:.5f},{self.min_lat:.5f},{self.max_lon:.5f},{self.max_lat:.5f}"

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point is in the box, edges included."""
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat
