"""Issue #13's target for a guest's first contribution, measured on a 390 × 844 phone:
at most 3 screens from the campaign page to the thank-you, plus the confirmation email,
and at most 6 required inputs (docs/journeys.md measures it on the demo too).

Screens are the pages the browser loads (a redirect is not one; the steps of the form
are one page). Required inputs are what the person had to give (the place, a tap on
the map, is one) together with the `[required]` controls actually present in the form
sent: a required box added to the form, or removed from it, moves the count.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, Response, expect

from tissage.inventories.models import Contribution

from .helpers import PHONE_390, next_step, url_is

pytestmark = pytest.mark.browser

MAX_SCREENS = 3
MAX_INPUTS = 6
CONFIRM_RE = re.compile(r"https?://\S+/inventaires/confirmer/\S+/")
# The form's required controls, one per name (a group of radio buttons is one input).
REQUIRED_NAMES = """
form => [...new Set([...form.elements]
  .filter(el => el.required && !el.disabled && el.type !== 'hidden' && el.name)
  .map(el => el.name))]
"""


def a_phone_photo(folder: Path) -> str:
    target = folder / "IMG_0001.jpg"
    Image.new("RGB", (1200, 900), "#8a7f6a").save(target, format="JPEG", quality=80)
    return str(target)


def count_screens(page: Page) -> list[str]:
    """The pages the browser loads from now on: main-frame documents, redirects apart."""
    screens: list[str] = []

    def loaded(response: Response) -> None:
        request = response.request
        if (
            request.is_navigation_request()
            and request.frame == page.main_frame
            and not 300 <= response.status < 400
        ):
            screens.append(response.url)

    page.on("response", loaded)
    return screens


def test_a_guests_first_contribution_takes_three_screens_an_email_and_six_inputs(
    new_context, new_page, visit, check_page, campaign, tmp_path
):
    page = new_page(new_context(**PHONE_390))
    screens = count_screens(page)
    given: set[str] = set()

    def give(selector: str, action: str, value: str) -> None:
        field = page.locator(selector)
        if action == "select_option":
            field.select_option(label=value)
        else:
            getattr(field, action)(value)
        given.add(field.get_attribute("name") or selector)

    # 1. The campaign page (a poster's link leads there).
    campaign_url = reverse("inventories:campaign", kwargs={"slug": campaign.slug})
    visit(page, campaign_url)
    contribute_url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    page.locator(f"main a[href='{contribute_url}']").first.click()

    # 2. The form, in steps: the place (a tap on the map), the item, a photo, the person.
    expect(page).to_have_url(url_is(contribute_url))
    check_page(page)
    map_box = page.locator("[data-location-picker] .leaflet-container")
    expect(map_box).to_be_visible()
    box = map_box.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_longitude")).not_to_have_value("")
    given.add("place")
    next_step(page)
    give("#id_category", "select_option", "Lavoir")
    give("#id_title", "fill", "Lavoir du Grand Pré")
    next_step(page)
    with page.expect_response(lambda response: "/photos-gardees/" in response.url):
        give("#id_photos", "set_input_files", a_phone_photo(tmp_path))
    next_step(page)
    give("#id_guest_name", "fill", "Jeanne Martin")
    give("#id_guest_email", "fill", "jeanne@example.org")
    send = page.locator("main form[data-steps] button[type=submit]")
    # Whatever the form asks for besides: a required box present must be ticked too.
    required = set(send.evaluate(f"button => ({REQUIRED_NAMES})(button.form)"))
    for name in sorted(required - given):
        page.locator(f"main form[data-steps] [name='{name}']").first.check()
        given.add(name)
    check_page(page)
    send.click()

    # 3. The thank-you: an email is on its way.
    expect(page).to_have_url(url_is(campaign_url))
    expect(page.locator("[role=status]")).to_contain_text("jeanne@example.org")
    check_page(page)
    inputs = given | required
    assert len(screens) <= MAX_SCREENS, f"{len(screens)} screens to the thank-you: {screens}"
    assert len(inputs) <= MAX_INPUTS, f"{len(inputs)} required inputs: {sorted(inputs)}"
    assert required <= given, f"required but not given: {sorted(required - given)}"

    # Plus the confirmation email, whose link sends the item to the team.
    (confirmation,) = [m for m in mail.outbox if m.to == ["jeanne@example.org"]]
    link = CONFIRM_RE.search(confirmation.body)
    assert link, confirmation.body
    visit(page, link.group(0))
    expect(page.locator("[role=status]")).to_be_visible()
    item = Contribution.objects.get()
    assert item.status == Contribution.Status.SUBMITTED
    assert item.title == "Lavoir du Grand Pré"
    assert item.photos.count() == 1
