"""A horizontal bar chart drawn on the server as SVG, for a question's results: no
script, read by screen readers (role="img", a <title> and a <desc>); the results page
always puts the same numbers in a table below it. Colours: a class that the app's
stylesheet fills from the design tokens, and a `fill` attribute for print (an inline
`style` would be refused by the Content-Security-Policy)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tissage.core.design import colour_tokens

WIDTH = 320
LABEL_WIDTH = 130
ROW = 26
BAR = 16


def _number(value: float) -> str:
    return formats.number_format(value, 0 if float(value).is_integer() else 1, use_l10n=True)


def _short(label: str, size: int = 20) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"


def bar_chart(title: str, description: str, rows: Sequence[tuple[str, float, str]]) -> SafeString:
    """One bar per row (label, value, text written after the bar, e.g. "12 (40 %)"),
    scaled to the largest value."""
    tokens = colour_tokens()
    bar_fill, ink = tokens.get("green", "#2d6a4f"), tokens.get("ink", "#1b1b1b")
    uid = secrets.token_hex(4)
    largest = max((value for _, value, _ in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 80
    height = ROW * len(rows) + 4
    parts = []
    for index, (label, value, shown) in enumerate(rows):
        y = index * ROW + 4
        length = max(room * value / largest, 1 if value else 0)
        parts.append(
            f'<text class="qchart-text" font-size="12" fill="{ink}" '
            f'x="{LABEL_WIDTH - 6}" y="{y + BAR - 3}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
            f'<rect class="qchart-bar" fill="{bar_fill}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{length:.1f}" height="{BAR}">'
            f"<title>{escape(label)} : {escape(shown)}</title></rect>"
            f'<text class="qchart-text" font-size="12" fill="{ink}" '
            f'x="{LABEL_WIDTH + length + 4:.1f}" '
            f'y="{y + BAR - 3}">{escape(shown)}</text>'
        )
    return mark_safe(  # noqa: S308 — every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qchart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="qchart-{uid}-t qchart-{uid}-d">'
        f'<title id="qchart-{uid}-t">{escape(title)}</title>'
        f'<desc id="qchart-{uid}-d">{escape(description)}</desc>' + "".join(parts) + "</svg>"
    )
