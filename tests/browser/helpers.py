"""What several browser tests share: a phone's screen, and matching the page's address."""

from __future__ import annotations

import re

from playwright.sync_api import Page

PHONE_WIDTH = 360
# A small phone (Playwright context options): touch, mobile viewport.
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 740}, "is_mobile": True, "has_touch": True}
# The phone of issue #13's journeys: 390 × 844.
PHONE_390 = {**PHONE, "viewport": {"width": 390, "height": 844}}


def url_is(path: str) -> re.Pattern[str]:
    """The page's address is `path`, whatever query string or fragment follows."""
    return re.compile(re.escape(path) + r"(\?.*)?(#.*)?$")


def next_step(page: Page) -> None:
    """On a phone, the contribution form goes in steps (inventories/steps.js): "Next"."""
    page.locator(".steps-nav").get_by_role("button", name=re.compile(r"^(Suivant|Next)$")).click()


def previous_step(page: Page) -> None:
    page.locator(".steps-nav").get_by_role(
        "button", name=re.compile(r"^(Précédent|Previous)$")
    ).click()
