"""Staff exports for funders' reports: registrants of an action, hours per person and per
action over a period, impact per project and per commune — as CSV, ODS or XLSX.

The writers of `inventories/exports.py` are bound to inventory items and their licence
sheet, so these small ones write plain sheets. Files are in French whatever the visitor's
language, so that a URL always gives the same columns. A workbook has several sheets; the
CSV holds the first one. Cells that a spreadsheet would run as formulas are defused, as in
the inventories' staff export (these files hold what guests typed).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

from tissage.projects.models import Project

from .after import ImpactTotals, has_email, hours_of
from .models import Action, Registration

FORMATS = ("csv", "ods", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Value = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list[Value]]


# Tables -----------------------------------------------------------------------------------

STATUS_FR = {
    Registration.Status.CONFIRMED: "inscrit·e",
    Registration.Status.WAITING: "en liste d’attente",
    Registration.Status.CANCELLED: "annulé",
}
ATTENDED_FR = {True: "présent·e", False: "absent·e", None: ""}


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def registrants_sheets(action: Action) -> list[Sheet]:
    registrations = (
        Registration.objects.filter(action=action)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("role", "action")
        .order_by("status", "created_at", "pk")
    )
    rows: list[list[Value]] = [
        [
            r.name,
            r.email if has_email(r) else "",
            r.phone,
            r.role.name,
            STATUS_FR[Registration.Status(r.status)],
            r.companions,
            _local(r.created_at),
            "oui" if r.walk_in else "non",
            ATTENDED_FR[r.attended],
            hours_of(r),
        ]
        for r in registrations
    ]
    headers = [
        "Nom",
        "E-mail",
        "Téléphone",
        "Rôle",
        "Statut",
        "Accompagnants",
        "Inscription le",
        "Venu·e sans inscription",
        "Présence",
        "Heures",
    ]
    return [Sheet("Inscrits", headers, rows)]


def hours_registrations(
    project: Project, start: datetime.date | None, end: datetime.date | None
) -> QuerySet[Registration]:
    """Confirmed people present (or not yet checked) at the project's published actions
    that started in the period (local dates, both ends included)."""
    registrations = Registration.objects.filter(
        action__project=project,
        action__status=Action.Status.PUBLISHED,
        status=Registration.Status.CONFIRMED,
    ).exclude(attended=False)
    if start:
        registrations = registrations.filter(
            action__starts_at__gte=timezone.make_aware(
                datetime.datetime.combine(start, datetime.time.min)
            )
        )
    if end:
        registrations = registrations.filter(
            action__starts_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
            )
        )
    return registrations.select_related("action__commune").order_by(
        "action__starts_at", "action__pk", "name", "pk"
    )


@dataclass
class _Sum:
    label: list[Value]
    count: int = 0
    hours: Decimal = Decimal(0)

    def add(self, hours: Decimal) -> None:
        self.count += 1
        self.hours += hours

    def row(self) -> list[Value]:
        return [*self.label, self.count, self.hours]


def hours_sheets(registrations: Iterable[Registration]) -> list[Sheet]:
    detail: list[list[Value]] = []
    people: dict[str, _Sum] = {}
    actions: dict[int, _Sum] = {}
    for r in registrations:
        action = r.action
        hours = hours_of(r)
        email = r.email if has_email(r) else ""
        commune = action.commune.name if action.commune else ""
        starts_at = _local(action.starts_at)
        detail.append(
            [
                r.name,
                email,
                action.title,
                starts_at,
                commune,
                r.companions,
                ATTENDED_FR[r.attended],
                hours,
            ]
        )
        # Without an address, a walk-in is only known by name within one action.
        key = email or f"{r.name}#{r.pk}"
        people.setdefault(key, _Sum([r.name, email])).add(hours)
        actions.setdefault(action.pk, _Sum([action.title, starts_at, commune])).add(hours)
    by_person = sorted(people.values(), key=lambda total: str(total.label[0]).casefold())
    return [
        Sheet(
            "Heures",
            [
                "Nom",
                "E-mail",
                "Action",
                "Date",
                "Commune",
                "Accompagnants",
                "Présence (vide : pas pointée)",
                "Heures",
            ],
            detail,
        ),
        Sheet("Par personne", ["Nom", "E-mail", "Actions", "Heures"], [t.row() for t in by_person]),
        Sheet(
            "Par action",
            ["Action", "Date", "Commune", "Personnes", "Heures"],
            [t.row() for t in actions.values()],
        ),
    ]


def impact_sheets(totals: ImpactTotals) -> list[Sheet]:
    headers = ["Périmètre", "Commune", "Code INSEE", "Compteur", "Unité", "Total"]
    rows: list[list[Value]] = [
        ["Projet", "", "", counter.name, counter.unit, total]
        for counter, total in zip(totals.counters, totals.project_row(), strict=True)
    ]
    for commune, values in totals.commune_rows():
        rows += [
            ["Commune", commune.name, commune.insee_code, counter.name, counter.unit, total]
            for counter, total in zip(totals.counters, values, strict=True)
        ]
    return [Sheet("Impact", headers, rows)]


# Writers ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Value) -> Value:
    """Decimals as numbers the writers know."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def csv_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The first sheet, UTF-8 with a byte order mark (spreadsheets then read accents
    right), comma separated, RFC 4180 quoting, decimal point."""
    out = io.StringIO()
    writer = csv.writer(out)
    sheet = sheets[0]
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        cells = []
        for value in row:
            match value:
                case None:
                    cells.append("")
                case datetime.datetime():
                    cells.append(value.isoformat(sep=" ", timespec="minutes"))
                case str() if value.startswith(_FORMULA_START):
                    cells.append("'" + value)
                case _:
                    cells.append(str(value))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        for col, header in enumerate(sheet.headers):
            ws.write_string(0, col, header, bold)
        for number, row in enumerate(sheet.rows, start=1):
            for col, raw in enumerate(row):
                value = _plain(raw)
                match value:
                    case None:
                        pass
                    case bool():
                        ws.write_boolean(number, col, value)
                    case int() | float():
                        ws.write_number(number, col, value)
                    case datetime.datetime():
                        ws.write_datetime(number, col, value, moment)
                    case datetime.date():
                        ws.write_datetime(number, col, value, day)
                    case _:
                        ws.write_string(number, col, str(value))
    workbook.close()
    return out.getvalue()


ODS_MIMETYPE = CONTENT_TYPES["ods"]
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content'
    ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
    ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
    ' office:version="1.3"><office:automatic-styles>'
    # Dates shown as dates (2026-11-28, 2026-11-28 09:00), not as day numbers.
    '<number:date-style style:name="Nd"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/></number:date-style>'
    '<number:date-style style:name="Nt"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="cd" style:family="table-cell" style:data-style-name="Nd"/>'
    '<style:style style:name="ct" style:family="table-cell" style:data-style-name="Nt"/>'
    '<style:style style:name="ch" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    "</office:automatic-styles><office:body><office:spreadsheet>"
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3"'
    f' manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _ods_cell(raw: Value, style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    value = _plain(raw)
    match value:
        case None:
            return "<table:table-cell/>"
        case bool():
            flag = "true" if value else "false"
            return (
                f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
                f"<text:p>{flag}</text:p></table:table-cell>"
            )
        case int() | float():
            return (
                f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value!r}</text:p></table:table-cell>"
            )
        case datetime.datetime():
            text = value.replace(tzinfo=None).isoformat(timespec="seconds")
            return (
                f'<table:table-cell table:style-name="ct" office:value-type="date"'
                f' office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
            )
        case datetime.date():
            text = value.isoformat()
            return (
                f'<table:table-cell table:style-name="cd" office:value-type="date"'
                f' office:date-value="{text}"><text:p>{text}</text:p></table:table-cell>'
            )
        case _:
            lines = _NOT_XML.sub("", str(value)).split("\n")
            paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
            return (
                f'<table:table-cell{styled} office:value-type="string">'
                f"{paragraphs}</table:table-cell>"
            )


def ods_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An OpenDocument spreadsheet written by hand: a handful of sheets of plain cells."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        # ODF wants the media type first and uncompressed, so that it can be sniffed.
        package.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        parts = [_ODS_HEAD]
        for sheet in sheets:
            parts.append(f"<table:table table:name={quoteattr(sheet.name)}>")
            parts.append(
                "<table:table-row>"
                + "".join(_ods_cell(h, "ch") for h in sheet.headers)
                + "</table:table-row>"
            )
            for row in sheet.rows:
                parts.append(
                    "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
                )
            parts.append("</table:table>")
        parts.append("</office:spreadsheet></office:body></office:document-content>")
        package.writestr("content.xml", "".join(parts))
    return out.getvalue()


WRITERS = {"csv": csv_bytes, "ods": ods_bytes, "xlsx": xlsx_bytes}
