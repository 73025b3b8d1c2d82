"""What several browser tests share: a phone's screen, matching the page's address, and
filling the forms several journeys go through."""

from __future__ import annotations

import datetime
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


def action_form_fill(
    page: Page,
    *,
    title: str,
    day: datetime.date,
    start: str,
    end: str,
    address: str,
    role: str,
    places: int,
) -> None:
    """The action form (actions:create), filled for one role and published, then sent."""
    page.locator("#id_title").fill(title)
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_start_time").fill(start)
    page.locator("#id_end_time").fill(end)
    page.locator("#id_address").fill(address)
    page.locator("#id_role_name_0").fill(role)
    page.locator("#id_role_places_0").fill(str(places))
    page.locator("input[name=status][value=published]").check()
    page.locator("main form [type=submit]").last.click()
