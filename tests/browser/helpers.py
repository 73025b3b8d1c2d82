"""What several browser tests share: a phone's screen, and matching the page's address."""

from __future__ import annotations

import re

PHONE_WIDTH = 360
# A small phone (Playwright context options): touch, mobile viewport.
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 740}, "is_mobile": True, "has_touch": True}


def url_is(path: str) -> re.Pattern[str]:
    """The page's address is `path`, whatever query string or fragment follows."""
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")
