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
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import quoteattr

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

from tissage.actions.models import Action, Registration
from tissage.core.spreadsheets import (
    ODS_MANIFEST,
    ODS_MIMETYPE,
    ODS_NAMESPACES,
    ODS_STYLES,
    ods_cell,
)
from tissage.projects.models import Project

from .queries import ImpactTotals, hours_of

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
            r.email if r.has_email else "",
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
        email = r.email if r.has_email else ""
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


_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<office:document-content {ODS_NAMESPACES} office:version="1.3">{ODS_STYLES}'
    "<office:body><office:spreadsheet>"
)


def ods_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An OpenDocument spreadsheet written by hand: a handful of sheets of plain cells."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        # ODF wants the media type first and uncompressed, so that it can be sniffed.
        package.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        parts = [_ODS_HEAD]
        for sheet in sheets:
            parts.append(f"<table:table table:name={quoteattr(sheet.name)}>")
            parts.append(
                "<table:table-row>"
                + "".join(ods_cell(h, "ch") for h in sheet.headers)
                + "</table:table-row>"
            )
            for row in sheet.rows:
                parts.append(
                    "<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>"
                )
            parts.append("</table:table>")
        parts.append("</office:spreadsheet></office:body></office:document-content>")
        package.writestr("content.xml", "".join(parts))
    return out.getvalue()


WRITERS = {"csv": csv_bytes, "ods": ods_bytes, "xlsx": xlsx_bytes}
