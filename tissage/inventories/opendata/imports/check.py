"""Bringing a GeoJSON or CSV file into a campaign: read and check the file, suggest how its
columns map to the campaign, report row by row what a dry run finds, then import the good
rows in one transaction — all of them or, on any failure, none.

A row already imported (same reference in the campaign) is reported and skipped, so running
the same file twice imports nothing twice. A file without a reference column gets one per
row: a fingerprint of the row's content (`sha256:…`).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely import STRtree
from shapely.geometry import Point

from tissage.accounts.models import User
from tissage.territories.models import Commune

from ...campaigns import heritage
from ...models import (
    Campaign,
    CampaignField,
    Category,
    Contribution,
    ContributionEvent,
    InventoryImport,
)
from ..exports import (
    FINGERPRINT_PREFIX,
    SOURCE_COMMUNE,
    SOURCE_DENOMINATION,
    SOURCE_INSEE,
    fold,
)

MAX_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 500
# Beyond this many communes around the file's points, each point is looked up on its own.
COMMUNES_IN_MEMORY = 5000


class ImportRefused(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


# Targets of a source column.
IGNORE = ""
TITLE = "title"
DESCRIPTION = "description"
CATEGORY = "category"
ADDRESS = "address"
COMMUNE_INSEE = "commune_insee"
COMMUNE_NAME = "commune_name"
EXTERNAL_REF = "external_ref"
CREDIT = "credit"
LONGITUDE = "longitude"
LATITUDE = "latitude"
POINT = "point"
FIELD = "field:"
COORDINATES = (LONGITUDE, LATITUDE, POINT)

# Fallback category options besides a category's pk.
FALLBACK_NEW = "new"
FALLBACK_NONE = "none"
NEW_CATEGORY_NAME = "Autre"

# Problems found in a row: a code stored in the report, a message shown in the language of
# whoever reads it.
PROBLEMS = {
    "no_title": gettext_lazy("no title"),
    "no_point": gettext_lazy("no coordinates"),
    "bad_point": gettext_lazy("unreadable coordinates: “%(value)s”"),
    "point_out_of_range": gettext_lazy(
        "impossible coordinates (longitude %(lon)s, latitude %(lat)s): are they in WGS84?"
    ),
    "too_long": gettext_lazy("“%(column)s” is too long (%(max)s characters at most)"),
    "unknown_category": gettext_lazy("unknown category: “%(value)s”"),
    "outside_communes": gettext_lazy("outside the communes of the campaign"),
    "bad_number": gettext_lazy("“%(value)s” is not a number (%(label)s)"),
    "bad_yes_no": gettext_lazy("“%(value)s” is neither yes nor no (%(label)s)"),
    "bad_date": gettext_lazy("“%(value)s” is not a date (%(label)s)"),
    "duplicate_in_file": gettext_lazy("same reference as row %(row)s"),
    "already_imported": gettext_lazy("already imported"),
}


def problem_text(code: str, params: dict[str, Any]) -> str:
    return str(PROBLEMS[code]) % params if params else str(PROBLEMS[code])


# Reading ---------------------------------------------------------------------------------


@dataclass
class SourceRow:
    number: int
    cells: dict[str, Any]
    # From a GeoJSON geometry: (lon, lat), None when the feature has no geometry, or the
    # raw coordinates when they are not two numbers.
    point: tuple[float, float] | str | None = None
    fingerprint: str = ""


@dataclass
class Source:
    format: str
    name: str
    columns: list[str]
    rows: list[SourceRow]

    def samples(self, column: str, count: int = 3) -> list[str]:
        found: list[str] = []
        for row in self.rows:
            text = cell_text(row.cells.get(column))
            if text and text not in found:
                found.append(text[:60])
                if len(found) == count:
                    break
        return found


def _fingerprint(data: Any) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
    return FINGERPRINT_PREFIX + digest.hexdigest()[:32]


def source_read(*, content: bytes, name: str) -> Source:
    """The rows of a GeoJSON or CSV file, or ImportRefused saying what is wrong with it."""
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than 20 MB: split it into several files and import each one.")
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in {".geojson", ".json"}:
        return _geojson_read(content, name)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _csv_read(content, name)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _geojson_read(content, name)
    return _csv_read(content, name)


def _geojson_read(content: bytes, name: str) -> Source:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("This file is not readable JSON: it is not in UTF-8. Save it as UTF-8 GeoJSON.")
        ) from error
    except json.JSONDecodeError as error:
        raise ImportRefused(
            _(
                "This file is not valid JSON (error on line %(line)s). Export it again as"
                " GeoJSON from your tool."
            )
            % {"line": error.lineno}
        ) from error
    except RecursionError as error:
        raise ImportRefused(_("This file is not valid JSON: it is nested too deeply.")) from error
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ImportRefused(
            _("This file is JSON but not GeoJSON: a GeoJSON file has a “type” member.")
        )
    if data["type"] != "FeatureCollection":
        raise ImportRefused(
            _(
                "The GeoJSON file must be a FeatureCollection (a collection of points); this"
                " one is a “%(type)s”."
            )
            % {"type": data["type"][:40]}
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportRefused(_("This GeoJSON file has no “features” list."))
    if not features:
        raise ImportRefused(_("The file holds no feature to import."))
    crs = data.get("crs")
    if crs is not None and not _is_wgs84(crs):
        raise ImportRefused(
            _(
                "The coordinates of this file are not in WGS84 (longitude, latitude). Export"
                " it again in WGS84 (EPSG:4326)."
            )
        )
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ImportRefused(
                _("Feature %(number)s is not a GeoJSON Feature.") % {"number": number}
            )
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise ImportRefused(
                _("The properties of feature %(number)s are not a list of named values.")
                % {"number": number}
            )
        geometry = feature.get("geometry")
        point: tuple[float, float] | str | None = None
        if geometry is not None:
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            if kind != "Point":
                raise ImportRefused(
                    _(
                        "Feature %(number)s is a “%(type)s”: only points (Point) can be"
                        " imported. Convert lines and areas to points (centroids) first."
                    )
                    % {"number": number, "type": str(kind)[:40]}
                )
            coordinates = geometry.get("coordinates")
            if (
                isinstance(coordinates, list)
                and len(coordinates) >= 2
                and all(
                    isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]
                )
            ):
                point = (float(coordinates[0]), float(coordinates[1]))
            else:
                point = json.dumps(coordinates)[:60]
        columns.update(dict.fromkeys(str(key) for key in properties))
        rows.append(
            SourceRow(
                number=number,
                cells={str(key): value for key, value in properties.items()},
                point=point,
                fingerprint=_fingerprint([geometry, properties]),
            )
        )
    return Source(
        format=InventoryImport.Format.GEOJSON, name=name, columns=list(columns), rows=rows
    )


def _is_wgs84(crs: Any) -> bool:
    """The old GeoJSON `crs` member, when it names WGS84 (what RFC 7946 assumes)."""
    name = (
        str(((crs or {}).get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    )
    return bool(re.search(r"CRS84|EPSG:{1,2}4326$", name))


def _csv_read(content: bytes, name: str) -> Source:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                _(
                    "The file cannot be read: its characters are neither UTF-8 nor Windows."
                    " Save it as “CSV UTF-8” and try again."
                )
            ) from error
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportRefused(
            _("The CSV file cannot be read: %(error)s. Save it again as CSV and try again.")
            % {"error": error}
        ) from error
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise ImportRefused(_("The file is empty."))
    columns = []
    for index, header in enumerate(lines[0], start=1):
        header = header.strip() or _("column %(number)s") % {"number": index}
        unique, n = header, 2
        while unique in columns:
            unique, n = f"{header} ({n})", n + 1
        columns.append(unique)
    if len(lines) == 1:
        raise ImportRefused(_("The file has a header line but no row to import."))
    if not _csv_has_coordinates(columns):
        raise ImportRefused(
            _(
                "No coordinate columns found: the file needs a “longitude” and a “latitude”"
                " column (or “lon” and “lat”, or “x” and “y”), in WGS84."
            )
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = {column: (line[i] if i < len(line) else "") for i, column in enumerate(columns)}
        rows.append(SourceRow(number=number, cells=cells, fingerprint=_fingerprint(line)))
    return Source(format=InventoryImport.Format.CSV, name=name, columns=columns, rows=rows)


# Mapping ---------------------------------------------------------------------------------


def _bare(header: str) -> str:
    """A header reduced to letters and digits, without the `chp` prefix of Mérimée
    open-data extracts when what follows is a Mérimée code (`chpdeno` is DENO)."""
    bare = re.sub(r"[^a-z0-9]", "", fold(header))
    if bare.startswith("chp") and bare[3:].upper() in _MERIMEE_CODES | {"COORWGS84"}:
        return bare[3:]
    return bare


_MERIMEE_CODES = {
    "REF",
    *heritage.ITEM_FIELDS.values(),
    *(spec.merimee_field for spec in heritage.FIELDS),
}

_MERIMEE_TARGETS = {
    "ref": EXTERNAL_REF,
    heritage.ITEM_FIELDS["title"].lower(): TITLE,
    heritage.ITEM_FIELDS["category"].lower(): CATEGORY,
    heritage.ITEM_FIELDS["commune"].lower(): COMMUNE_NAME,
    heritage.ITEM_FIELDS["insee"].lower(): COMMUNE_INSEE,
    heritage.ITEM_FIELDS["address"].lower(): ADDRESS,
}

# Usual names of columns, in French and English (letters and digits only), and those of
# Tissage's own exports, so that an export imports back.
_NAMES = {
    TITLE: {"titre", "title", "nom", "name", "intitule", "libelle"},
    DESCRIPTION: {"description", "descriptif", "commentaire", "comment", "remarques"},
    CATEGORY: {"categorie", "category", "type", "denomination", "typologie"},
    ADDRESS: {"adresse", "address", "adressepostale", "rue"},
    COMMUNE_NAME: {"commune", "ville", "city", "nomcommune", "libellecommune", "municipality"},
    COMMUNE_INSEE: {"insee", "codeinsee", "inseecode", "codecommune", "codgeo", "cog"},
    EXTERNAL_REF: {"externalref", "reference", "identifiant", "idsource", "sourceid"},
    CREDIT: {"credit", "auteur", "author", "contributeur", "contributrice", "contributor"},
    LONGITUDE: {"longitude", "lon", "lng", "long", "x", "longitudewgs84", "coordx"},
    LATITUDE: {"latitude", "lat", "y", "latitudewgs84", "coordy"},
    POINT: {"geopoint2d", "coorwgs84", "geopoint", "latlon", "coordonnees", "coordinates"},
}


def _csv_has_coordinates(columns: list[str]) -> bool:
    bare = {_bare(column) for column in columns}
    return bool(bare & _NAMES[POINT]) or bool(bare & _NAMES[LONGITUDE] and bare & _NAMES[LATITUDE])


def target_choices(campaign: Campaign, source_format: str) -> list[tuple[str, str]]:
    """Where a source column can go: an attribute of the item or a campaign question."""
    choices = [
        (IGNORE, _("— ignore this column —")),
        (TITLE, _("Title")),
        (DESCRIPTION, _("Description")),
        (CATEGORY, _("Category (name or Mérimée denomination)")),
        (ADDRESS, _("Address or place name")),
        (COMMUNE_INSEE, _("Commune (INSEE code)")),
        (COMMUNE_NAME, _("Commune (name)")),
        (EXTERNAL_REF, _("Reference in the source")),
        (CREDIT, _("Contributor's name (credit)")),
    ]
    if source_format == InventoryImport.Format.CSV:
        choices += [
            (LONGITUDE, _("Longitude (WGS84)")),
            (LATITUDE, _("Latitude (WGS84)")),
            (POINT, _("Latitude and longitude in one column (“lat, lon”)")),
        ]
    choices += [
        (FIELD + spec.key, _("Question: %(label)s") % {"label": spec.label})
        for spec in campaign.fields.all()
    ]
    return choices


def mapping_suggest(*, campaign: Campaign, source: Source) -> dict[str, str]:
    """A target for each column whose name says what it holds; each target used once."""
    fields = list(campaign.fields.all())
    by_name: dict[str, str] = {}
    for spec in fields:
        by_name[re.sub(r"[^a-z0-9]", "", fold(spec.key))] = FIELD + spec.key
        by_name[re.sub(r"[^a-z0-9]", "", fold(spec.label))] = FIELD + spec.key
        if spec.merimee_field:
            by_name[spec.merimee_field.lower()] = FIELD + spec.key
    for target, names in _NAMES.items():
        if target in COORDINATES and source.format != InventoryImport.Format.CSV:
            continue
        for name in names:
            by_name.setdefault(name, target)
    by_name.update(_MERIMEE_TARGETS)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in source.columns:
        target = by_name.get(_bare(column), IGNORE)
        if target and target not in used:
            used.add(target)
            mapping[column] = target
        else:
            mapping[column] = IGNORE
    return mapping


def mapping_problems(
    *, campaign: Campaign, source_format: str, mapping: dict[str, str]
) -> list[str]:
    """What stops a mapping from being used, in words for the person choosing it."""
    allowed = dict(target_choices(campaign, source_format))
    problems = []
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if target not in allowed:
            problems.append(_("“%(column)s”: choose a target from the list.") % {"column": column})
        elif target and target in seen:
            problems.append(
                _("“%(target)s” is chosen for two columns: “%(first)s” and “%(second)s”.")
                % {"target": allowed[target], "first": seen[target], "second": column}
            )
        else:
            seen[target] = column
    if TITLE not in seen:
        problems.append(_("Choose the column that holds the title of each item."))
    if source_format == InventoryImport.Format.CSV and not (
        POINT in seen or (LONGITUDE in seen and LATITUDE in seen)
    ):
        problems.append(_("Choose the longitude and latitude columns."))
    return problems


# Options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOptions:
    # What imported items become: published at once, or waiting in the moderation queue.
    status: str = Contribution.Status.VALIDATED
    # Category for rows whose category is not found: a category pk, FALLBACK_NEW (an
    # “Autre” category made for it) or FALLBACK_NONE (such rows are errors).
    fallback: str = FALLBACK_NEW
    # Credited as the contributor when no column gives a name: the source of the data.
    source_name: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportOptions:
        return cls(**{k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__})


IMPORT_STATUSES = (Contribution.Status.VALIDATED, Contribution.Status.SUBMITTED)


def default_fallback(campaign: Campaign) -> str:
    """The campaign's “Autre…” category when it has one (the heritage template does)."""
    for category in campaign.categories.all():
        if fold(category.name).startswith("autre") and not category.merimee_denomination:
            return str(category.pk)
    return FALLBACK_NEW


def default_options(campaign: Campaign, name: str) -> ImportOptions:
    return ImportOptions(fallback=default_fallback(campaign), source_name=PurePath(name).stem[:120])


# Checking --------------------------------------------------------------------------------


@dataclass
class Ready:
    """A row that will become an item."""

    row: int
    title: str
    description: str
    category: Category | None  # None: the “Autre” category to be made
    values: dict[str, Any]
    lon: float
    lat: float
    commune: Commune | None
    address: str
    external_ref: str
    contributor_name: str


@dataclass
class Checked:
    report: dict[str, Any]
    ready: list[Ready] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a needless “.0”, lists joined with “ ; ”."""
    match value:
        case None:
            return ""
        case str():
            return value.strip()
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float():
            return str(int(value)) if value.is_integer() else repr(value)
        case list():
            return " ; ".join(t for t in (cell_text(v) for v in value) if t)
        case _:
            return json.dumps(value, ensure_ascii=False)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = cell_text(value).replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


_YES = {"oui", "yes", "true", "vrai", "1", "o", "y"}
_NO = {"non", "no", "false", "faux", "0", "n"}


def _date(text: str) -> str | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text[:10], pattern).date().isoformat()
        except ValueError:
            continue
    return None


class _CommuneFinder:
    """The commune of a point, from the campaign's communes or those around the file's
    points, loaded once and searched with a spatial index."""

    def __init__(self, campaign_communes: list[Commune], points: list[tuple[float, float]]):
        self.candidates: list[Commune] | None = campaign_communes or None
        if self.candidates is None and points:
            lons, lats = [p[0] for p in points], [p[1] for p in points]
            around = Commune.objects.filter(
                max_lon__gte=min(lons),
                min_lon__lte=max(lons),
                max_lat__gte=min(lats),
                min_lat__lte=max(lats),
            )
            if around.count() <= COMMUNES_IN_MEMORY:
                self.candidates = list(around)
        self.tree = STRtree([c.shape for c in self.candidates]) if self.candidates else None

    def find(self, lon: float, lat: float) -> Commune | None:
        if self.candidates is None:
            return Commune.objects.containing(lon, lat)
        if self.tree is None:
            return None
        found = self.tree.query(Point(lon, lat), predicate="covered_by")
        return self.candidates[int(min(found))] if len(found) else None


class _Checker:
    """Goes through the rows once, with every lookup loaded beforehand."""

    def __init__(
        self, campaign: Campaign, source: Source, mapping: dict[str, str], options: ImportOptions
    ):
        self.campaign = campaign
        self.source = source
        self.options = options
        self.columns = {target: column for column, target in mapping.items() if target}
        self.fields = {spec.key: spec for spec in campaign.fields.all()}
        self.categories = list(campaign.categories.all())
        self.terms: dict[str, Category] = {}
        for category in reversed(self.categories):
            self.terms[fold(category.slug.replace("-", " "))] = category
            self.terms[fold(category.name)] = category
            if category.merimee_denomination:
                self.terms[fold(category.merimee_denomination)] = category
        self.fallback: Category | None = None
        self.fallback_allowed = options.fallback != FALLBACK_NONE
        if options.fallback not in (FALLBACK_NEW, FALLBACK_NONE):
            self.fallback = next(
                (c for c in self.categories if str(c.pk) == options.fallback), None
            )
            self.fallback_allowed = self.fallback is not None
        self.campaign_communes = list(campaign.communes.all())
        self.campaign_commune_ids = {c.pk for c in self.campaign_communes}
        codes = {self.text(row, COMMUNE_INSEE) for row in source.rows} - {""}
        self.by_insee = {
            c.insee_code: c
            for chunk in _chunks(sorted(codes), 500)
            for c in Commune.objects.filter(insee_code__in=chunk)
        }
        self.existing_refs = set(
            Contribution.objects.filter(campaign=campaign)
            .exclude(external_ref="")
            .values_list("external_ref", flat=True)
        )

    def text(self, row: SourceRow, target: str) -> str:
        column = self.columns.get(target)
        return cell_text(row.cells.get(column)) if column else ""

    def point(self, row: SourceRow) -> tuple[tuple[float, float] | None, list[Any]]:
        if self.source.format == InventoryImport.Format.GEOJSON:
            if row.point is None:
                return None, [("no_point", {})]
            if isinstance(row.point, str):
                return None, [("bad_point", {"value": row.point})]
            lon, lat = row.point
        elif POINT in self.columns:
            text = self.text(row, POINT)
            if not text:
                return None, [("no_point", {})]
            parts = re.split(r"[,;\s]+", text.strip("[]() "))
            numbers = [_number(p) for p in parts if p]
            if len(numbers) != 2 or None in numbers:
                return None, [("bad_point", {"value": text[:60]})]
            lat, lon = numbers  # type: ignore[assignment]
        else:
            raw_lon, raw_lat = self.text(row, LONGITUDE), self.text(row, LATITUDE)
            if not raw_lon and not raw_lat:
                return None, [("no_point", {})]
            parsed_lon, parsed_lat = _number(raw_lon), _number(raw_lat)
            if parsed_lon is None or parsed_lat is None:
                return None, [("bad_point", {"value": f"{raw_lon} {raw_lat}".strip()[:60]})]
            lon, lat = parsed_lon, parsed_lat
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None, [("point_out_of_range", {"lon": lon, "lat": lat})]
        return (lon, lat), []

    def category(self, value: str) -> Category | None:
        if not value:
            return None
        for term in [value, *value.split(";")]:
            if found := self.terms.get(fold(term)):
                return found
        return None

    def field_value(self, spec: CampaignField, raw: Any) -> tuple[Any, tuple[str, dict] | None]:
        kind = CampaignField.Kind
        text = cell_text(raw)
        if not text:
            return None, None
        about = {"value": text[:60], "label": spec.label}
        match spec.kind:
            case kind.NUMBER:
                number = _number(raw)
                return (number, None) if number is not None else (None, ("bad_number", about))
            case kind.YES_NO:
                if isinstance(raw, bool):
                    return raw, None
                answer = fold(text)
                if answer in _YES | _NO:
                    return answer in _YES, None
                return None, ("bad_yes_no", about)
            case kind.DATE:
                day = _date(text)
                return (day, None) if day else (None, ("bad_date", about))
            case kind.MULTIPLE_CHOICE:
                parts = raw if isinstance(raw, list) else text.split(";")
                return [t for t in (cell_text(p) for p in parts) if t], None
        return text, None

    def run(self) -> Checked:
        points = [point for row in self.source.rows if (point := self.point(row)[0])]
        finder = _CommuneFinder(self.campaign_communes, points)
        tally = _Tally()
        for row in self.source.rows:
            self.check_row(row, finder, tally)
        fallback_name = self.fallback.name if self.fallback else NEW_CATEGORY_NAME
        for ready in tally.ready:
            tally.categories[ready.category.name if ready.category else fallback_name] += 1
        total = len(self.source.rows)
        report = {
            "total": total,
            "to_import": len(tally.ready),
            "already": tally.already,
            "errors": total - len(tally.ready) - tally.already,
            "rows": tally.rows,
            "categories": [[name, count] for name, count in tally.categories.most_common()],
            "fallback": fallback_name if self.fallback_allowed else "",
            "fallback_terms": [[t, count] for t, count in tally.fallback_terms.most_common(30)],
            "fallback_terms_count": len(tally.fallback_terms),
            "unknown_communes": [
                [insee, name, count]
                for (insee, name), count in tally.unknown_communes.most_common(20)
            ],
            "off_list": [
                [label, value, count] for (label, value), count in tally.off_list.most_common(30)
            ],
            "fingerprint": EXTERNAL_REF not in self.columns,
            "options": asdict(self.options),
            "columns": [
                {"name": column, "samples": self.source.samples(column)}
                for column in self.source.columns
            ],
            "format": self.source.format,
        }
        return Checked(report=report, ready=tally.ready)

    def check_row(self, row: SourceRow, finder: _CommuneFinder, tally: _Tally) -> None:
        """Either a Ready item or a line of the report saying why not."""
        problems: list[tuple[str, dict[str, Any]]] = []
        title = self.text(row, TITLE)
        if not title:
            problems.append(("no_title", {}))
        for target, limit in [(TITLE, 200), (ADDRESS, 300), (EXTERNAL_REF, 80), (CREDIT, 120)]:
            if len(self.text(row, target)) > limit:
                problems.append(("too_long", {"column": self.columns[target], "max": limit}))
        point, point_problems = self.point(row)
        problems += point_problems
        values: dict[str, Any] = {}

        term = self.text(row, CATEGORY)
        category = self.category(term)
        if term:
            values[SOURCE_DENOMINATION] = term  # the source's own word, for the exports
        if category is None and not self.fallback_allowed:
            problems.append(("unknown_category", {"value": term[:60]}))
        elif category is None and term:
            tally.fallback_terms[term] += 1

        insee, commune_name = self.text(row, COMMUNE_INSEE), self.text(row, COMMUNE_NAME)
        commune = self.by_insee.get(insee)
        if commune is None and point:
            commune = finder.find(*point)
        if commune is None and (insee or commune_name):
            values[SOURCE_INSEE], values[SOURCE_COMMUNE] = insee, commune_name
            tally.unknown_communes[(insee, commune_name)] += 1
        outside = commune is None or commune.pk not in self.campaign_commune_ids
        if self.campaign_commune_ids and point and outside:
            problems.append(("outside_communes", {}))

        for target, column in self.columns.items():
            if target.startswith(FIELD):
                spec = self.fields[target.removeprefix(FIELD)]
                value, problem = self.field_value(spec, row.cells.get(column))
                if problem:
                    problems.append(problem)
                if value is not None and value != []:
                    values[spec.key] = value
                    for choice in value if isinstance(value, list) else [value]:
                        if spec.choices and isinstance(choice, str) and choice not in spec.choices:
                            tally.off_list[(spec.label, choice)] += 1

        reference = self.text(row, EXTERNAL_REF) or row.fingerprint
        if reference in tally.seen_refs:
            problems.append(("duplicate_in_file", {"row": tally.seen_refs[reference]}))
        tally.seen_refs.setdefault(reference, row.number)
        if reference in self.existing_refs:
            if not problems:
                tally.already += 1
                tally.rows.append(_report_row(row, title, "already", [("already_imported", {})]))
                return
            problems.append(("already_imported", {}))
        if problems or point is None:
            tally.rows.append(_report_row(row, title, "error", problems))
            return
        tally.ready.append(
            Ready(
                row=row.number,
                title=title,
                description=self.text(row, DESCRIPTION),
                category=category or self.fallback,
                values=values,
                lon=point[0],
                lat=point[1],
                commune=commune,
                address=self.text(row, ADDRESS),
                external_ref=reference,
                contributor_name=self.text(row, CREDIT)
                or self.options.source_name
                or PurePath(self.source.name).stem[:120],
            )
        )


@dataclass
class _Tally:
    """What the dry run gathers as it goes through the rows."""

    ready: list[Ready] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    already: int = 0
    seen_refs: dict[str, int] = field(default_factory=dict)
    categories: Counter[str] = field(default_factory=Counter)
    fallback_terms: Counter[str] = field(default_factory=Counter)
    unknown_communes: Counter[tuple[str, str]] = field(default_factory=Counter)
    off_list: Counter[tuple[str, str]] = field(default_factory=Counter)


def _report_row(
    row: SourceRow, title: str, status: str, problems: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    return {"row": row.number, "title": title[:120], "status": status, "problems": problems}


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_check(
    *, campaign: Campaign, source: Source, mapping: dict[str, str], options: ImportOptions
) -> Checked:
    """The dry run: what would be imported, and row by row what is wrong. Writes nothing."""
    return _Checker(campaign, source, mapping, options).run()


# Writing ---------------------------------------------------------------------------------


def _stored_name(name: str) -> str:
    path = PurePath(name)
    return (slugify(path.stem)[:80] or "import") + path.suffix.lower()[:10]


def _source_of(imp: InventoryImport) -> Source:
    try:
        with imp.file.open("rb") as stored:
            content = stored.read()
    except OSError as error:
        raise ImportRefused(
            _("The uploaded file is no longer available: upload it again.")
        ) from error
    return source_read(content=content, name=imp.original_name)


@transaction.atomic
def import_create(
    *,
    campaign: Campaign,
    user: User | None,
    content: bytes,
    name: str,
    options: ImportOptions | None = None,
) -> InventoryImport:
    """Keep an uploaded file with the suggested mapping and its dry-run report."""
    source = source_read(content=content, name=name)
    mapping = mapping_suggest(campaign=campaign, source=source)
    options = options or default_options(campaign, name)
    checked = import_check(campaign=campaign, source=source, mapping=mapping, options=options)
    return InventoryImport.objects.create(
        campaign=campaign,
        created_by=user,
        file=ContentFile(content, name=_stored_name(name)),
        original_name=name[:200],
        format=source.format,
        mapping=mapping,
        report=checked.report,
    )


@transaction.atomic
def import_recheck(
    *, imp: InventoryImport, mapping: dict[str, str], options: ImportOptions
) -> InventoryImport:
    """Run the dry run again with the mapping and options chosen by the person."""
    source = _source_of(imp)
    checked = import_check(campaign=imp.campaign, source=source, mapping=mapping, options=options)
    imp.mapping = mapping
    imp.report = checked.report
    imp.save(update_fields=["mapping", "report"])
    return imp


def _numbered(base: str, number: int) -> str:
    return base if number == 1 else f"{base}-{number}"


def import_run(*, imp: InventoryImport, user: User | None) -> int:
    """Import the good rows of a checked file, all in one transaction; returns how many."""
    try:
        return _import_run(imp=imp, user=user)
    except IntegrityError as error:
        # Someone imported the same rows at the same moment: nothing of ours was written.
        raise ImportRefused(
            _("Some rows were imported meanwhile by someone else. Check the file again.")
        ) from error


@transaction.atomic
def _import_run(*, imp: InventoryImport, user: User | None) -> int:
    imp = InventoryImport.objects.select_for_update().select_related("campaign").get(pk=imp.pk)
    if imp.status == InventoryImport.Status.IMPORTED:
        raise ImportRefused(_("This file has been imported already."))
    campaign = imp.campaign
    options = ImportOptions.from_json(imp.report.get("options", {}))
    if options.status not in IMPORT_STATUSES:
        options = ImportOptions(**{**asdict(options), "status": Contribution.Status.VALIDATED})
    source = _source_of(imp)
    problems = mapping_problems(campaign=campaign, source_format=source.format, mapping=imp.mapping)
    if problems:
        raise ImportRefused(" ".join(problems))
    checked = import_check(campaign=campaign, source=source, mapping=imp.mapping, options=options)
    now = timezone.now()
    fallback = None
    if any(ready.category is None for ready in checked.ready):
        taken = {c.slug for c in campaign.categories.all()}
        slug = next(
            s for n in range(1, len(taken) + 2) if (s := _numbered("autre", n)) not in taken
        )
        fallback = Category.objects.create(
            campaign=campaign,
            name=NEW_CATEGORY_NAME,
            slug=slug,
            position=max((c.position for c in campaign.categories.all()), default=0) + 1,
        )
    validated = options.status == Contribution.Status.VALIDATED
    items = [
        Contribution(
            campaign=campaign,
            category=ready.category or fallback,
            title=ready.title,
            description=ready.description,
            values=ready.values,
            longitude=ready.lon,
            latitude=ready.lat,
            commune=ready.commune,
            address=ready.address,
            status=options.status,
            licence=campaign.licence,
            contributor_name=ready.contributor_name,
            consent_at=now,
            validated_at=now if validated else None,
            external_ref=ready.external_ref,
        )
        for ready in checked.ready
    ]
    period_key = campaign.period_field_key()
    for item in items:  # bulk_create does not call save(), which keeps it otherwise
        item.century = item.century_from_values(period_key)
    Contribution.objects.bulk_create(items, batch_size=BATCH_SIZE)
    actor_name = user.public_name if user else options.source_name
    ContributionEvent.objects.bulk_create(
        (
            ContributionEvent(
                contribution=item,
                kind=ContributionEvent.Kind.IMPORTED,
                actor=user,
                actor_name=actor_name,
                to_status=item.status,
                message=_("Imported from “%(file)s”, row %(row)s.")
                % {"file": imp.original_name, "row": ready.row},
                changes={"import": imp.pk, "file": imp.original_name, "row": ready.row},
                created_at=now,
            )
            for item, ready in zip(items, checked.ready, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    imp.report = checked.report
    imp.status = InventoryImport.Status.IMPORTED
    imp.imported_count = len(items)
    imp.imported_at = now
    imp.save(update_fields=["report", "status", "imported_count", "imported_at"])
    return len(items)
