"""Peak memory (tracemalloc) and time of the spreadsheet writers and the streaming ZIP,
for 10,000 then 100,000 rows (or members): the writers stream, so the peak must not grow
with the number of rows.

    SECRET_KEY=x uv run python bench/spreadsheets_memory.py

Rows look like an inventory export's (18 columns: text, numbers, a date, a date-time, a
boolean, a long description) and come from a generator, as from the database. Outputs go
where the apps send them: CSV and ODS chunks are dropped as they come (a streaming
response), XLSX goes to a temporary file (XlsxWriter zips a workbook only once complete).

Prints a Markdown table and writes the common result (bench/report.py), whose table
goes in docs/performance.md (`bench/all.py`). The ZIP's peak grows by about 0.2 KB per
member, whatever the members' size: the archive's directory, which ZIP puts at the end,
is kept until then (Python's `zipfile` keeps one `ZipInfo` per member too); the writers'
peaks are held flat (the largest count ≤ 1.5× the smallest).
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")

import django

django.setup()

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import report  # noqa: E402 - the common result shape (bench/report.py)

from tissage.core.archives import Member, zip_stream  # noqa: E402
from tissage.core.spreadsheets import Sheet, csv_stream, ods_stream, xlsx_write  # noqa: E402

HEADER = [f"colonne_{n}" for n in range(18)]
DESCRIPTION = "Bassin couvert, toit de tuiles canal.\nRestauré en 1998 par la commune. " * 3


def rows(count: int) -> Iterator[list[Any]]:
    day = datetime.date(2026, 6, 1)
    moment = datetime.datetime(2026, 6, 1, 9, 0)
    for n in range(count):
        yield [
            f"https://tissage.example/inventaires/lavoirs/fiches/{n}/",
            n,
            f"Lavoir numéro {n}",
            "Lavoir",
            DESCRIPTION,
            "Nîmes",
            "30189",
            "chemin de la Fontaine",
            4.36789 + n / 1e6,
            43.84567 + n / 1e6,
            "XIXe siècle",
            "calcaire ; galets",
            n % 2 == 0,
            Decimal("2.50"),
            "Jeanne",
            "etalab-2.0",
            day,
            moment,
        ]


def drain(chunks: Iterator[bytes]) -> int:
    return sum(len(chunk) for chunk in chunks)


def csv_write(count: int) -> int:
    return drain(csv_stream(Sheet("Fiches", rows(count), header=HEADER)))


def ods_write(count: int) -> int:
    about = Sheet("À propos", lambda: [["Nombre de fiches", count]], label_column=True)
    return drain(ods_stream([Sheet("Fiches", rows(count), header=HEADER), about]))


def xlsx_to_file(count: int) -> int:
    with tempfile.TemporaryFile() as out:
        xlsx_write([Sheet("Fiches", rows(count), header=HEADER)], out)
        return out.tell()


def photos_zip(count: int) -> int:
    # Members of 20 KB each, kept as they are, like photos.
    photo = os.urandom(20_000)
    return drain(
        zip_stream(
            Member(f"{n}.jpg", iter([photo]), size=len(photo), compress=False) for n in range(count)
        )
    )


def measure(write: Callable[[int], int], count: int) -> tuple[float, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    size = write(count)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6, elapsed, size / 1e6


def main() -> None:
    counts = [int(n) for n in sys.argv[1:]] or [10_000, 100_000]
    writers = {"CSV": csv_write, "ODS": ods_write, "XLSX": xlsx_to_file, "ZIP": photos_zip}
    print("| Writer | Rows | Peak memory (MB) | Time (s, under tracemalloc) | Output (MB) |")
    print("| --- | --- | --- | --- | --- |")
    started = time.time()
    rows = []
    with report.LoadSampler() as load:
        for name, write in writers.items():
            for count in counts:
                peak, elapsed, size = measure(write, count)
                print(
                    f"| {name} | {count:,} | {peak:.2f} | {elapsed:.1f} | {size:.1f} |", flush=True
                )
                rows.append([name, count, round(peak, 2), round(elapsed, 1), round(size, 1)])
    write_common(rows, counts, started, load)


def write_common(rows: list[list[Any]], counts: list[int], started: float, load: Any) -> None:
    """The common result (bench/report.py): the writers stream, so each one's peak at the
    largest count stays within 1.5× its peak at the smallest; the ZIP's grows with its
    directory (about 0.2 KB a member), which is known and not held to it."""
    from run import code_version, machine  # the harness's (bench/run.py)

    peaks = {(row[0], row[1]): row[2] for row in rows}
    checks = [
        report.Check(
            f"{name}: peak at {counts[-1]:,} rows ÷ at {counts[0]:,}",
            report.ratio(peaks[name, counts[-1]], peaks[name, counts[0]]),
            1.5,
            "×",
        )
        for name in ("CSV", "ODS", "XLSX")
    ]
    table = report.table(
        "spreadsheets-memory",
        "Spreadsheet writers and streaming ZIP: peak memory",
        ["Writer", "Rows", "Peak memory MB", "Time s (under tracemalloc)", "Output MB"],
        rows,
    )
    shaped = report.new_report(
        "spreadsheets-memory",
        "none",
        started=started,
        finished=time.time(),
        machine=machine(),
        code=code_version(),
        load_average=load.figures(),
        tables=[table],
        checks=checks,
        baseline={"name": "the smallest count", "rows": counts[0]},
        arguments={"counts": counts},
    )
    print(f"common result written to {report.write(shaped)}")
    report.print_checks(shaped)


if __name__ == "__main__":
    main()
