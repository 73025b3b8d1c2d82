"""Tables as CSV, OpenDocument (ODS) and Excel (XLSX) files, for the exports of every app.

A file is a list of `Sheet`s: a name, an optional header row and rows that may stream
from the database (a generator, or a function called when the sheet's turn comes, so a
sheet can sum up the ones before it). Every writer goes through the rows once, in order,
and holds one row at a time: 100,000 rows take no more memory than 10,000.

- CSV (one sheet): UTF-8 with a byte order mark (without it Excel reads UTF-8 as
  Windows-1252 and breaks every accent), comma separated, quoted as RFC 4180 says, lines
  ending in CRLF. Cells a spreadsheet would run as formulas can be defused.
- ODS: written by hand as a stream of XML, because the ODF libraries (odfpy, and tablib
  over it) build the whole document in memory; zipped as it goes by `core.archives`.
- XLSX: XlsxWriter in constant-memory mode, each row written to disk as it comes. Text
  stays text: no formula, number or link is guessed from a string.

Values keep their type in ODS and XLSX (numbers, dates, date-times, booleans); Decimals
are written as numbers, lazy translations as their text, aware date-times in the current
time zone. What a format cannot carry never breaks the file: XML 1.0 has no place for most
control characters (ODS drops them), and a lone surrogate is no Unicode text at all
(every format writes U+FFFD instead).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Literal
from xml.sax.saxutils import escape, quoteattr

import xlsxwriter
from django.utils import timezone, translation
from django.utils.functional import Promise

from .archives import Member, zip_stream

Value = str | int | float | Decimal | datetime.date | datetime.datetime | bool | Promise | None
Rows = Iterable[Sequence[Value]]

FORMATS = ("csv", "ods", "xlsx")
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "ods": ODS_MIMETYPE, "xlsx": XLSX_MIMETYPE}

# About 64 KB of text at a time: fewer, larger writes to the socket and to zlib.
BLOCK_SIZE = 64 * 1024

# Excel's rules for sheet names (LibreOffice's are looser): checked for every format, so
# that a name that works in one works in all.
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Sheet:
    """One table of a file.

    `rows`: an iterable (a list, a generator reading the database in chunks), or a
    function returning one, called only when the writer reaches this sheet — after the
    sheets before it were written, so it can report on them (how many items, who to
    credit). `header`: the first row, in bold; none if empty. `label_column`: the first
    column in bold too, for a sheet of "label, value" lines.
    """

    name: str
    rows: Rows | Callable[[], Rows]
    header: Sequence[str | Promise] = field(default_factory=tuple)
    label_column: bool = False

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > SHEET_NAME_MAX:
            raise ValueError(f"Sheet name {self.name!r}: give it 1 to {SHEET_NAME_MAX} characters.")
        if _SHEET_NAME_FORBIDDEN.search(self.name) or self.name[0] == "'" or self.name[-1] == "'":
            raise ValueError(
                f"Sheet name {self.name!r}: remove [ ] : * ? / \\ and any quote at either end."
            )
        if self.name.casefold() == "history":
            raise ValueError("Excel keeps the sheet name 'History' for itself: choose another.")


# Cells ------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain(value: Any) -> Any:
    """What every format starts from: lazy text translated, text that UTF-8 can encode,
    aware date-times in local time (the way people read them in a spreadsheet)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _is_number(value: Any) -> bool:
    """A finite number: NaN and infinities have no place in a numeric cell (XlsxWriter
    refuses them, ODF's lexical form differs from Python's); they are written as text."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _rows(sheet: Sheet, language: str | None) -> Iterator[list[Any]]:
    """The sheet's rows, each produced (and its lazy text translated) in `language`: the
    language is switched around each row only, so that it never leaks to the code that
    consumes the file between two rows (a streaming response)."""
    source: Iterator[Sequence[Value]] | None = None
    while True:
        with _in(language):
            if source is None:
                source = iter(sheet.rows() if callable(sheet.rows) else sheet.rows)
            try:
                row = next(source)
            except StopIteration:
                return
            cells = [_plain(value) for value in row]
        yield cells


def _header(sheet: Sheet, language: str | None) -> list[str]:
    with _in(language):
        return [_plain(str(title)) for title in sheet.header]


def _in(language: str | None) -> contextlib.AbstractContextManager[None]:
    return translation.override(language) if language else contextlib.nullcontext()


def text_blocks(texts: Iterable[str], size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """Pieces of text (lines, rows) as UTF-8 blocks of about `size` characters: fewer,
    larger writes to the socket or to zlib. Also for text files that are no spreadsheet
    (GeoJSON)."""
    buffer: list[str] = []
    length = 0
    for text in texts:
        buffer.append(text)
        length += len(text)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


# CSV --------------------------------------------------------------------------------------

# Cells a spreadsheet would run as a formula (OWASP "CSV injection"): defused with a
# leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

DateTimeText = Literal["iso", "minutes"]


class _Echo:
    def write(self, line: str) -> str:
        return line


def csv_stream(
    sheet: Sheet,
    *,
    datetimes: DateTimeText = "iso",
    language: str | None = None,
) -> Iterator[bytes]:
    """The sheet as CSV, in blocks of about 64 KB, the first one once its rows are read.

    Text cells (header included) starting with = + - @ tab or CR get a leading apostrophe,
    in every CSV the platform writes: whoever opens it in a spreadsheet must never run a
    formula someone typed into a form (OWASP "CSV injection"); numbers stay numbers.
    `datetimes`: "iso" writes 2026-06-01T09:00:00 (for programs), "minutes"
    2026-06-01 09:00 (as the ODS and XLSX cells show it). Booleans are true/false, Decimals
    exact (2.50), dates ISO 8601. `language`: the rows are produced in it (files in French
    whatever the visitor's language).
    """
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        header = _header(sheet, language)
        yield "\ufeff"
        if header:
            yield writer.writerow([_csv_defused(t) for t in header])
        for row in _rows(sheet, language):
            yield writer.writerow([_csv_cell(value, datetimes) for value in row])

    return text_blocks(lines())


def _csv_cell(value: Any, datetimes: DateTimeText) -> str:
    match value:
        case None:
            return ""
        case bool():
            return "true" if value else "false"
        case int() | float() | Decimal():
            return str(value)
        case datetime.datetime():
            if datetimes == "minutes":
                return value.isoformat(sep=" ", timespec="minutes")
            return value.isoformat(timespec="seconds")
        case datetime.date():
            return value.isoformat()
        case _:
            return _csv_defused(str(value))


def _csv_defused(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


# ODS --------------------------------------------------------------------------------------

_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
# Cell styles: cd a date, ct a date and time (shown to the minute), cb a boolean (without
# it LibreOffice turns booleans into 1 and 0), ch bold (headers and labels).
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="Nd"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/></number:date-style>'
    '<number:date-style style:name="Nt"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<number:boolean-style style:name="Nb"><number:boolean/></number:boolean-style>'
    '<style:style style:name="cd" style:family="table-cell" style:data-style-name="Nd"/>'
    '<style:style style:name="ct" style:family="table-cell" style:data-style-name="Nt"/>'
    '<style:style style:name="cb" style:family="table-cell" style:data-style-name="Nb"/>'
    '<style:style style:name="ch" style:family="table-cell">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
    "</office:automatic-styles>"
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
_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<office:document-content {_ODS_NAMESPACES} office:version="1.3">{_ODS_STYLES}'
    "<office:body><office:spreadsheet>"
)
_ODS_TAIL = "</office:spreadsheet></office:body></office:document-content>"
BOLD = "ch"

# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r" {2,}|^ | $")
# A tab as a character reference: LibreOffice (7.4) and python-calamine drop the
# `<text:tab/>` element inside a cell but keep this, as odfpy does.
_TAB = "&#9;"


def ods_stream(sheets: Sequence[Sheet], *, language: str | None = None) -> Iterator[bytes]:
    """An OpenDocument spreadsheet, zipped as its rows are written: the `mimetype` entry
    first and stored (so that the type can be sniffed), then the manifest and the
    content, deflated."""
    _check_names(sheets)
    return zip_stream(
        [
            Member("mimetype", ODS_MIMETYPE.encode(), compress=False),
            Member("META-INF/manifest.xml", _ODS_MANIFEST.encode()),
            Member("content.xml", text_blocks(_ods_content(sheets, language))),
        ]
    )


def ods_write(sheets: Sequence[Sheet], out: IO[bytes], *, language: str | None = None) -> None:
    """`ods_stream` into a file (a temporary file sent with `FileResponse`, say)."""
    for chunk in ods_stream(sheets, language=language):
        out.write(chunk)


def _ods_content(sheets: Sequence[Sheet], language: str | None) -> Iterator[str]:
    yield _ODS_HEAD
    for sheet in sheets:
        yield f"<table:table table:name={quoteattr(sheet.name)}>"
        header = _header(sheet, language)
        if header:
            yield _ods_row(header, BOLD)
        for row in _rows(sheet, language):
            yield _ods_row(row, label=sheet.label_column)
        yield "</table:table>"
    yield _ODS_TAIL


def _ods_row(values: Sequence[Any], style: str = "", *, label: bool = False) -> str:
    cells = [_ods_cell(value, style) for value in values]
    if label and values:
        cells[0] = _ods_cell(values[0], BOLD)
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def _ods_cell(value: Any, style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if not _is_number(value):
            value = str(value)
        elif isinstance(value, Decimal):
            value = float(value)
    match value:
        case None:
            return "<table:table-cell/>"
        case bool():
            flag = "true" if value else "false"
            return (
                f'<table:table-cell table:style-name="cb" office:value-type="boolean"'
                f' office:boolean-value="{flag}"><text:p>{flag}</text:p></table:table-cell>'
            )
        case int() | float():
            return (
                f'<table:table-cell{styled} office:value-type="float"'
                f' office:value="{value!r}"><text:p>{value!r}</text:p></table:table-cell>'
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
            text = _NOT_XML.sub("", str(value))
            paragraphs = "".join(_ods_paragraph(line) for line in text.split("\n"))
            return (
                f'<table:table-cell{styled} office:value-type="string">'
                f"{paragraphs}</table:table-cell>"
            )


def _ods_paragraph(line: str) -> str:
    """One line of text: ODF collapses runs of spaces and drops them at either end of a
    paragraph, so those are spelt out (`<text:s/>`); a tab ends a run of text the same
    way; a carriage return is kept as a character reference."""
    return "<text:p>" + _TAB.join(_ods_spaced(part) for part in line.split("\t")) + "</text:p>"


def _ods_spaced(text: str) -> str:
    def spell(match: re.Match[str]) -> str:
        run = match.group()
        if match.start() == 0 or match.end() == len(text) or len(run) == 1:
            return f'<text:s text:c="{len(run)}"/>'
        return f' <text:s text:c="{len(run) - 1}"/>'

    out, last = [], 0
    for match in _SPACES.finditer(text):
        out.append(escape(text[last : match.start()], {"\r": "&#13;"}))
        out.append(spell(match))
        last = match.end()
    out.append(escape(text[last:], {"\r": "&#13;"}))
    return "".join(out)


# XLSX -------------------------------------------------------------------------------------


def xlsx_write(sheets: Sequence[Sheet], out: IO[bytes], *, language: str | None = None) -> None:
    """An Excel workbook into `out` (a file, or `io.BytesIO`). XlsxWriter keeps each
    sheet's rows in a temporary file until `close()` zips them: a workbook cannot be sent
    before it is complete, so write it to a temporary file for large tables."""
    _check_names(sheets)
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
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "moment": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name)
        number = 0
        header = _header(sheet, language)
        if header:
            for col, title in enumerate(header):
                ws.write_string(0, col, _xlsx_text(title), bold)
            number = 1
        for row in _rows(sheet, language):
            for col, value in enumerate(row):
                label = bold if sheet.label_column and col == 0 else None
                _xlsx_put(ws, number, col, value, formats, label)
            number += 1
    workbook.close()


def xlsx_bytes(sheets: Sequence[Sheet], *, language: str | None = None) -> bytes:
    out = io.BytesIO()
    xlsx_write(sheets, out, language=language)
    return out.getvalue()


def _xlsx_put(ws: Any, row: int, col: int, value: Any, formats: dict[str, Any], bold: Any) -> None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = float(value) if _is_number(value) else str(value)
    match value:
        case None:
            pass
        case bool():
            ws.write_boolean(row, col, value, bold)
        case float():
            ws.write_number(row, col, value, bold)
        case datetime.datetime():
            ws.write_datetime(row, col, value, formats["moment"])
        case datetime.date():
            ws.write_datetime(row, col, value, formats["date"])
        case _:
            ws.write_string(row, col, _xlsx_text(str(value)), bold)


# XlsxWriter escapes control characters (`_x0001_`) but not these two, which XML forbids.
_NOT_XLSX = re.compile("[\ufffe\uffff]")


def _xlsx_text(text: str) -> str:
    return _NOT_XLSX.sub("", text)


def _check_names(sheets: Sequence[Sheet]) -> None:
    seen: set[str] = set()
    for sheet in sheets:
        if sheet.name.casefold() in seen:
            raise ValueError(f"Two sheets are named {sheet.name!r}: give each its own name.")
        seen.add(sheet.name.casefold())
