"""The dry run: what a file would import, and row by row what is wrong — without writing
anything. Every lookup (categories, communes, references already imported) is loaded
beforehand, then the rows are gone through once.

A row already imported (same reference in the campaign) is reported and skipped, so running
the same file twice imports nothing twice. A file without a reference column gets one per
row: a fingerprint of the row's content (`sha256:…`).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext_lazy
from shapely import STRtree
from shapely.geometry import Point

from tissage.territories.geography import Box, is_valid_point
from tissage.territories.models import Commune

from ...models import Campaign, CampaignField, Category, Contribution, InventoryImport
from ..exports import SOURCE_COMMUNE, SOURCE_DENOMINATION, SOURCE_INSEE, fold
from .mapping import (
    ADDRESS,
    CATEGORY,
    COMMUNE_INSEE,
    COMMUNE_NAME,
    CREDIT,
    DESCRIPTION,
    EXTERNAL_REF,
    FIELD,
    LATITUDE,
    LONGITUDE,
    POINT,
    TITLE,
)
from .read import Source, SourceRow, cell_text

# Beyond this many communes around the file's points, each point is looked up on its own.
COMMUNES_IN_MEMORY = 5000

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
            around = Commune.objects.overlapping(Box(min(lons), min(lats), max(lons), max(lats)))
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
        if not is_valid_point(lon, lat):
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
