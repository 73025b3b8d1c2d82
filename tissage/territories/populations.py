"""Communes' legal populations from INSEE's "populations légales" CSV.

INSEE publishes them in several shapes over the years: the code column is `COM`,
`CODGEO` or `DEPCOM`, the population `PMUN`, `P21_POP` (any `Pnn_POP`), `PTOT` or
`POPULATION`; fields are separated by `;` or `,`. Populations are figures people read
per 1,000 inhabitants on the dashboard: never guessed, only read from such a file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .geography import is_insee_code
from .models import Commune

CODE_COLUMNS = ("COM", "CODGEO", "DEPCOM", "CODE_INSEE", "INSEE_COM", "CODE")
POPULATION_COLUMNS = ("PMUN", "POPULATION", "PTOT")
_CENSUS_COLUMN = re.compile(r"P\d{2}_POP")


class PopulationImportError(Exception):
    """The file cannot be read; the message says why in one line, in the user's language."""


@dataclass(frozen=True)
class PopulationReport:
    updated: int  # communes of the platform whose population was set
    unknown: int  # rows for communes the platform does not hold


def _column(header: list[str], names: tuple[str, ...], pattern: re.Pattern[str] | None) -> int:
    wanted = [name.strip().upper().lstrip("\ufeff") for name in header]
    for name in names:
        if name in wanted:
            return wanted.index(name)
    if pattern is not None:
        for index, name in enumerate(wanted):
            if pattern.fullmatch(name):
                return index
    return -1


def _number(text: str) -> int | None:
    # "12 345", "12345", "12345.0": INSEE's files and spreadsheets' exports.
    cleaned = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        return int(cleaned.split(".")[0])
    return None


def populations_import(*, path: Path) -> PopulationReport:
    """Set `Commune.population` from the file: all or nothing."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as error:
        raise PopulationImportError(_("File not found: %(path)s") % {"path": path}) from error
    except OSError as error:
        raise PopulationImportError(
            _("The file cannot be read: %(error)s") % {"error": error}
        ) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older INSEE files and spreadsheets saved "CSV (Windows)".
        text = raw.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PopulationImportError(_("The file is empty."))
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = rows[0]
    code_at = _column(header, CODE_COLUMNS, None)
    population_at = _column(header, POPULATION_COLUMNS, _CENSUS_COLUMN)
    if code_at < 0 or population_at < 0:
        raise PopulationImportError(
            _(
                "The first line must name the columns: the commune's code (COM or CODGEO) "
                "and its population (PMUN or P21_POP); found: %(columns)s."
            )
            % {"columns": ", ".join(header)[:200]}
        )
    populations: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code_at, population_at):
            raise PopulationImportError(
                _("Line %(line)d has fewer columns than the first line.") % {"line": number}
            )
        code = row[code_at].strip().upper()
        if len(code) == 4 and code.isdigit():
            code = f"0{code}"  # a spreadsheet dropped the leading zero (01001 → 1001)
        population = _number(row[population_at])
        if not is_insee_code(code):
            raise PopulationImportError(
                _("Line %(line)d: %(code)r is not an INSEE commune code.")
                % {"line": number, "code": row[code_at]}
            )
        if population is None:
            raise PopulationImportError(
                _("Line %(line)d: the population %(value)r is not a whole number.")
                % {"line": number, "value": row[population_at]}
            )
        populations[code] = population
    if not populations:
        raise PopulationImportError(_("The file holds no commune."))
    with transaction.atomic():
        communes = list(Commune.objects.filter(insee_code__in=populations).only("insee_code"))
        for commune in communes:
            commune.population = populations[commune.insee_code]
        Commune.objects.bulk_update(communes, ["population"], batch_size=500)
    return PopulationReport(updated=len(communes), unknown=len(populations) - len(communes))
