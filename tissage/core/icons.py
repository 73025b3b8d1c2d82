"""The icons the pages use: Lucide (lucide-static on npm, ISC licence), copied by
`tissage assets` and inlined by the `{% icon %}` template tag."""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Only these are copied: a new icon is added here, then `tissage assets` is run again.
ICONS = (
    "bell",
    "calendar",
    "circle-alert",
    "clock",
    "compass",
    "house",
    "list-checks",
    "log-in",
    "map-pin",
    "search",
    "sprout",
    "user",
    "users",
)
ICONS_DIR = Path(settings.BASE_DIR) / "assets" / "vendor" / "icons"
_SVG = re.compile(r"<svg\b.*</svg>", re.DOTALL)
_CLASS = re.compile(r'\s*class="[^"]*"')


class UnknownIcon(ValueError):
    pass


@cache
def _icon_body(name: str) -> str:
    if name not in ICONS:
        raise UnknownIcon(f"Unknown icon {name!r}: add it to tissage.core.icons.ICONS.")
    path = ICONS_DIR / f"{name}.svg"
    if not path.exists():
        raise UnknownIcon(f"Icon {name!r} not installed: run `tissage assets`.")
    match = _SVG.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise UnknownIcon(f"{path} holds no <svg> element.")
    # One line, without Lucide's own class (ours is set below) and its licence comment.
    svg = " ".join(_CLASS.sub("", match[0]).split())
    return svg.removeprefix("<svg ")


def icon_svg(name: str, css_class: str = "") -> SafeString:
    """The SVG of an icon, hidden from assistive technologies (a text label goes beside
    it) and out of the tab order."""
    classes = escape(" ".join(("icon", f"icon-{name}", css_class)).strip())
    return mark_safe(  # noqa: S308 - our own files, read from the installed package
        f'<svg class="{classes}" aria-hidden="true" focusable="false" {_icon_body(name)}'
    )
