"""The design tokens of the stylesheet and the contrast of the colour pairs it uses.

The colours live once, as custom properties at the top of `assets/css/tissage.css`. This
module reads them back so that a test holds every text/background pair at WCAG AA and the
style guide (`/style/`) shows each pair with its ratio.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

STYLESHEET = Path(settings.BASE_DIR) / "assets" / "css" / "tissage.css"
_ROOT = re.compile(r":root\s*\{(?P<body>[^}]*)\}")
_COLOUR = re.compile(r"--(?P<name>[a-z0-9-]+)\s*:\s*(?P<value>#[0-9a-fA-F]{6})\s*;")

# WCAG 2.1: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold) and for the
# borders and focus rings of controls (1.4.11, non-text contrast).
TEXT = 4.5
LARGE_OR_UI = 3.0


@dataclass(frozen=True)
class Pair:
    foreground: str
    background: str
    minimum: float
    used_for: str


# Every colour the stylesheet puts on a background, by token name. A new rule that puts
# a token on another background adds its pair here.
PAIRS = (
    Pair("ink", "paper", TEXT, "body text"),
    Pair("ink", "surface", TEXT, "text in cards, notices, fields"),
    Pair("ink", "accent", TEXT, "badges, call-to-action boxes"),
    Pair("muted", "paper", TEXT, "hints, lead paragraphs, card metadata"),
    Pair("muted", "surface", TEXT, "hints in cards and forms"),
    Pair("muted", "accent", TEXT, "footer text"),
    Pair("green", "paper", TEXT, "links"),
    Pair("green", "surface", TEXT, "links in cards, secondary buttons"),
    Pair("green-dark", "accent", TEXT, "secondary button hovered, footer links"),
    Pair("green-dark", "green-light", TEXT, "file button hovered"),
    Pair("on-dark", "green", TEXT, "header, primary buttons"),
    Pair("on-dark", "green-dark", TEXT, "primary buttons hovered"),
    Pair("on-dark", "danger", TEXT, "danger buttons"),
    Pair("on-dark", "ink", TEXT, "skip link"),
    Pair("accent", "green", TEXT, "brand hovered"),
    Pair("danger", "surface", TEXT, "error messages"),
    Pair("danger", "paper", TEXT, "error messages on the page"),
    Pair("danger", "danger-light", TEXT, "error summary"),
    Pair("terracotta", "surface", TEXT, "highlights"),
    Pair("border-strong", "surface", LARGE_OR_UI, "borders of fields"),
    Pair("border-strong", "paper", LARGE_OR_UI, "borders of fields on the page"),
    Pair("danger", "danger-light", LARGE_OR_UI, "borders of fields in error"),
    Pair("focus", "paper", LARGE_OR_UI, "focus ring"),
    Pair("focus", "surface", LARGE_OR_UI, "focus ring in cards"),
    Pair("focus-on-dark", "green", LARGE_OR_UI, "focus ring in the header"),
    Pair("green", "surface", LARGE_OR_UI, "checked radios and checkboxes"),
)


@cache
def colour_tokens() -> dict[str, str]:
    """The colour custom properties of the stylesheet's `:root`, name → `#rrggbb`."""
    root = _ROOT.search(STYLESHEET.read_text(encoding="utf-8"))
    if root is None:
        raise ValueError(f"No :root block in {STYLESHEET}.")
    return {m["name"]: m["value"].lower() for m in _COLOUR.finditer(root["body"])}


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of `#rrggbb`: each sRGB channel linearised, then
    L = 0.2126 R + 0.7152 G + 0.0722 B."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter: from 1 to 21."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
