"""Geography on plain numbers: INSEE codes, points, bounding boxes and distances.

No database and no Django model here, so that forms, queries, imports and the map
endpoint of any app share one rule for each, and so that it can be tested on its own.
Longitudes and latitudes are WGS84 degrees, always in that order (GeoJSON's).
"""

from __future__ import annotations

import math
import re
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


# Points -------------------------------------------------------------------------------------

MIN_LONGITUDE, MAX_LONGITUDE = -180.0, 180.0
MIN_LATITUDE, MAX_LATITUDE = -90.0, 90.0


def is_valid_point(lon: float, lat: float) -> bool:
    """Whether (lon, lat) is a point on Earth in WGS84 degrees (NaN and infinities are not)."""
    return MIN_LONGITUDE <= lon <= MAX_LONGITUDE and MIN_LATITUDE <= lat <= MAX_LATITUDE


def parse_coordinate(text: str) -> float | None:
    """A longitude or latitude typed by a person: "4.3601", " 4,3601 " (the French decimal
    comma, which the map picker's script accepts too). None when it is not a finite number;
    the range is for the caller (`is_valid_point`) since it differs between the two."""
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


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
