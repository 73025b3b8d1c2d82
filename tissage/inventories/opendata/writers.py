"""Writers of the export tables: CSV and GeoJSON streamed line by line, XLSX and ODS
written to a file row by row, each with the dataset's licence and credits."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import xlsxwriter
from django.conf import settings
from django.utils import translation

from tissage.core.spreadsheets import (
    ODS_MANIFEST,
    ODS_MIMETYPE,
    ODS_NAMESPACES,
    ODS_STYLES,
    ods_cell,
    ods_row,
)

from .exports import Dataset, Table, Value


def _csv_text(value: Value) -> str:
    match value:
        case None:
            return ""
        case bool():
            return "true" if value else "false"
        case float():
            return repr(value)
        case datetime.datetime():
            return value.isoformat(timespec="seconds")
        case datetime.date():
            return value.isoformat()
        case _:
            return str(value)


# Cells a spreadsheet would run as formulas: the staff export, made to be opened in one,
# defuses them (OWASP “CSV injection”); the public CSV keeps values exact for programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(table: Table, *, defuse_formulas: bool = False) -> Iterator[str]:
    """UTF-8 with a byte order mark (so that spreadsheets read accents right), comma
    separated and quoted as RFC 4180 says, one line at a time."""
    with translation.override(settings.LANGUAGE_CODE):
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(table.headers)
        for row in table.rows():
            cells = [_csv_text(value) for value in row]
            if defuse_formulas:
                cells = [
                    "'" + cell
                    if isinstance(value, str) and cell.startswith(_FORMULA_START)
                    else cell
                    for cell, value in zip(cells, row, strict=True)
                ]
            yield writer.writerow(cells)


def _json_value(value: Value) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def geojson_stream(table: Table, dataset: Dataset) -> Iterator[str]:
    """An RFC 7946 FeatureCollection of points ([longitude, latitude], WGS84, no `crs`),
    with the licence, the attribution and the source as members of its own."""
    with translation.override(settings.LANGUAGE_CODE):
        head = {
            "type": "FeatureCollection",
            "name": dataset.title,
            "licence": {
                "id": dataset.licence,
                "name": dataset.licence_name,
                "url": dataset.licence_url,
            },
            "attribution": dataset.attribution,
            "source": dataset.source_url,
            "producer": dataset.producer,
            "exported_at": dataset.exported_at.isoformat(),
        }
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        yield opening + ', "features": [\n'
        headers = table.headers
        lon_at, lat_at = headers.index("longitude"), headers.index("latitude")
        separator = ""
        for row in table.rows():
            properties = {
                header: _json_value(value)
                for index, (header, value) in enumerate(zip(headers, row, strict=True))
                if index not in (lon_at, lat_at)
            }
            feature = {
                "type": "Feature",
                "id": properties.get("id"),
                "geometry": {"type": "Point", "coordinates": [row[lon_at], row[lat_at]]},
                "properties": properties,
            }
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"


def _about_rows(table: Table, dataset: Dataset) -> list[tuple[str, Value]]:
    """The second sheet: licence, source, date and credits, then what each column holds."""
    rows: list[tuple[str, Value]] = [
        ("Jeu de données", dataset.title),
        ("Producteur", dataset.producer),
        ("Source", dataset.source_url),
        ("Toutes les données et leurs formats", dataset.data_page_url),
        ("Licence", dataset.licence_name),
        ("Texte de la licence", dataset.licence_url),
        ("Comment créditer", dataset.attribution),
        ("Date de l’export", dataset.exported_at.replace(tzinfo=None)),
        ("Nombre de fiches", table.count),
        ("Contributeurs et contributrices", ", ".join(table.contributors)),
        (
            "Auteurs des photos",
            ", ".join(table.photographers) or "aucune photo",
        ),
        ("", None),
        ("Colonne", "Contenu"),
    ]
    rows += [(column.header, column.description) for column in table.columns]
    return rows


# XLSX ---------------------------------------------------------------------------------

XLSX_SHEET = "Fiches"
ABOUT_SHEET = "À propos"


def xlsx_write(table: Table, dataset: Dataset, out: IO[bytes]) -> None:
    """XLSX through XlsxWriter in constant-memory mode: each row goes to disk as written."""
    with translation.override(settings.LANGUAGE_CODE):
        workbook = xlsxwriter.Workbook(
            out,
            {
                "constant_memory": True,
                # Text stays text: no formula, number or link guessed from a value.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        bold = workbook.add_format({"bold": True})
        date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet = workbook.add_worksheet(XLSX_SHEET)
        about = workbook.add_worksheet(ABOUT_SHEET)

        def put(ws: Any, row: int, col: int, value: Value) -> None:
            match value:
                case None:
                    pass
                case bool():
                    ws.write_boolean(row, col, value)
                case int() | float():
                    ws.write_number(row, col, value)
                case datetime.datetime():
                    ws.write_datetime(row, col, value, moment)
                case datetime.date():
                    ws.write_datetime(row, col, value, date)
                case _:
                    ws.write_string(row, col, str(value))

        for col, header in enumerate(table.headers):
            sheet.write_string(0, col, header, bold)
        for number, row in enumerate(table.rows(), start=1):
            for col, value in enumerate(row):
                put(sheet, number, col, value)
        for number, (label, value) in enumerate(_about_rows(table, dataset)):
            about.write_string(number, 0, label, bold)
            put(about, number, 1, value)
        workbook.close()


# ODS ----------------------------------------------------------------------------------
# Written by hand as a stream of XML: the ODF libraries build the whole document in memory,
# which 100,000 rows would not fit in. Checked against LibreOffice and python-calamine.


def ods_write(table: Table, dataset: Dataset, out: IO[bytes]) -> None:
    """An OpenDocument spreadsheet: the items, then the “À propos” sheet."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
    ):
        # ODF wants the media type first and uncompressed, so that it can be sniffed.
        package.writestr("mimetype", ODS_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        package.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        with package.open("content.xml", "w") as raw:
            content = io.TextIOWrapper(raw, encoding="utf-8")
            content.write(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content'
                f' {ODS_NAMESPACES} office:version="1.3">{ODS_STYLES}'
                f"<office:body><office:spreadsheet>"
                f"<table:table table:name={quoteattr(XLSX_SHEET)}>"
            )
            content.write(ods_row(table.headers, "ch"))
            for row in table.rows():
                content.write(ods_row(row))
            content.write(f"</table:table><table:table table:name={quoteattr(ABOUT_SHEET)}>")
            for label, value in _about_rows(table, dataset):
                content.write(
                    "<table:table-row>"
                    + ods_cell(label, "ch")
                    + ods_cell(value)
                    + "</table:table-row>"
                )
            content.write("</table:table></office:spreadsheet></office:body>")
            content.write("</office:document-content>")
            content.flush()
            content.detach()
