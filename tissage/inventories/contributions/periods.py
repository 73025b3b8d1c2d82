"""The century of a period as people write it — “XIXe siècle”, “19e”, “vers 1850”,
Mérimée's “4e quart 18e siècle” — so that items can be filtered by period with an index
instead of reading every item's answers."""

from __future__ import annotations

import re

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
# “XIXe”, “XIX e”, “XIXème”, “XIXᵉ”, “Ier” — a Roman numeral used as an ordinal.
# Capitals only: in lower case, words like “vie” or “le” would read as numerals.
_ROMAN_ORDINAL = re.compile(r"\b([IVXL]{1,6})\s?(?:e|è|ème|eme|ᵉ|er|re)\b")
# “19e siècle”, “19ème” — an Arabic ordinal, with siècle or not.
_ARABIC_ORDINAL = re.compile(r"\b(\d{1,2})\s?(?:e|è|ème|eme|ᵉ|er|re)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(\d{3,4})\b")
# Mérimée writes the quarter before the century: “4e quart 18e siècle”.
_QUARTER = re.compile(r"\b[1-4]\s?(?:e|er|ème)\s+(?:quart|moitié)\b", re.IGNORECASE)


def _roman(numeral: str) -> int | None:
    total, previous = 0, 0
    for char in reversed(numeral.upper()):
        value = _ROMAN[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total or None


def century_of(text: object) -> int | None:
    """The (first) century a period names, 1 to 21; None when it names none."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = _QUARTER.sub(" ", text)
    candidates: list[tuple[int, int]] = []  # (position in the text, century)
    for match in _ROMAN_ORDINAL.finditer(text):
        if (number := _roman(match.group(1))) is not None:
            candidates.append((match.start(), number))
    for match in _ARABIC_ORDINAL.finditer(text):
        candidates.append((match.start(), int(match.group(1))))
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        if 100 <= year <= 2100:
            candidates.append((match.start(), (year - 1) // 100 + 1))
    centuries = [century for _position, century in sorted(candidates) if 1 <= century <= 21]
    return centuries[0] if centuries else None
