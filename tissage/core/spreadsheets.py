"""OpenDocument spreadsheets written by hand, as a stream of XML: the ODF libraries build
the whole document in memory, which 100,000 rows would not fit in. Checked against
LibreOffice and python-calamine. Shared by the exports of every app."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from xml.sax.saxutils import escape

Value = str | int | float | Decimal | datetime.date | datetime.datetime | bool | None

ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
)
ODS_STYLES = (
    "<office:automatic-styles>"
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
    "</office:automatic-styles>"
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
    ' manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.3"'
    f' manifest:media-type="{ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r" {2,}|\t|^ | $")


def ods_paragraph(line: str) -> str:
    """One line of text: ODF collapses spaces and ignores them at both ends, so runs of
    spaces and tabs are spelt out; a carriage return is kept as a character reference."""

    def spell(match: re.Match[str]) -> str:
        run = match.group()
        if run == "\t":
            return "<text:tab/>"
        start, end = match.start() == 0, match.end() == len(line)
        if start or end or len(run) == 1:
            return f'<text:s text:c="{len(run)}"/>'
        return f' <text:s text:c="{len(run) - 1}"/>'

    out, last = [], 0
    for match in _SPACES.finditer(line):
        out.append(escape(line[last : match.start()], {"\r": "&#13;"}))
        out.append(spell(match))
        last = match.end()
    out.append(escape(line[last:], {"\r": "&#13;"}))
    return "<text:p>" + "".join(out) + "</text:p>"


def ods_cell(value: Value, style: str = "") -> str:
    styled = f' table:style-name="{style}"' if style else ""
    match value:
        case None:
            return "<table:table-cell/>"
        case bool():
            flag = "true" if value else "false"
            return (
                f'<table:table-cell{styled} office:value-type="boolean"'
                f' office:boolean-value="{flag}"><text:p>{flag}</text:p></table:table-cell>'
            )
        case Decimal():
            return ods_cell(float(value), style)
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
            paragraphs = "".join(ods_paragraph(line) for line in text.split("\n"))
            return (
                f'<table:table-cell{styled} office:value-type="string">'
                f"{paragraphs}</table:table-cell>"
            )


def ods_row(values: Iterable[Value], style: str = "") -> str:
    return "<table:table-row>" + "".join(ods_cell(v, style) for v in values) + "</table:table-row>"
