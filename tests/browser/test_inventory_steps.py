"""The contribution form in steps on a phone (issue #13, "Shorter on a phone"): one step
at a time, walked with "Next" and "Previous" by keyboard; the whole form on a wide
screen. The photos are chosen but never sent here (tests/browser/test_inventory.py sends
whole contributions)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from tissage.inventories.models import Contribution

from .helpers import PHONE_390

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def open_form(new_context, new_page, visit, live_server, campaign):
    """The contribution form, in English (the texts asserted), at a given size."""

    def open_at(size: dict) -> Page:
        context = new_context(**size)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page = new_page(context)
        visit(page, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
        return page

    return open_at


def shows_step(page: Page, number: int, name: str, heading: str) -> None:
    """Only step `number` is in sight, under its progress line."""
    expect(page.locator(".steps-progress")).to_have_text(f"Step {number} of 4 — {name}")
    expect(page.locator(".form-step:visible")).to_have_count(1)
    expect(page.locator(".form-step").nth(number - 1)).to_be_visible()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_on_a_phone_the_form_is_walked_one_step_at_a_time_by_keyboard(
    open_form, check_page, tmp_path
):
    page = open_form(PHONE_390)
    form = page.locator(".contribute-form")
    next_button = form.get_by_role("button", name="Next", exact=True)
    previous = form.get_by_role("button", name="Previous", exact=True)
    send = form.get_by_role("button", name="Send", exact=True)

    # 1. The place: its map, no way back, no consent or Send yet.
    shows_step(page, 1, "The place", "1. Where is it?")
    expect(page.locator("[data-location-picker] .leaflet-container")).to_be_visible()
    expect(previous).to_be_hidden()
    expect(send).to_be_hidden()
    expect(page.locator(".licence-statement")).to_be_hidden()
    next_button.focus()
    page.keyboard.press("Enter")

    # 2. The find: the focus is on its heading; its required fields are checked first.
    shows_step(page, 2, "The find", "2. What is it?")
    expect(page.get_by_role("heading", name="2. What is it?")).to_be_focused()
    details = page.locator("details.more-questions")
    expect(details.locator("summary")).to_have_text("More details (optional)")
    expect(details).not_to_have_attribute("open", "")
    check_page(page)
    next_button.focus()
    page.keyboard.press("Enter")
    shows_step(page, 2, "The find", "2. What is it?")  # the category is missing
    expect(page.locator("#id_category")).to_be_focused()
    page.locator("#id_category").select_option(label="Lavoir")
    page.locator("#id_title").fill("Lavoir du Grand Pré")
    # Enter in a box goes to the next step; it does not send the form.
    page.locator("#id_title").press("Enter")

    # 3. The photos (chosen, never sent by this test).
    shows_step(page, 3, "The photos", "3. Photos")
    expect(page.get_by_role("heading", name="3. Photos")).to_be_focused()
    photo = tmp_path / "lavoir.jpg"
    Image.new("RGB", (64, 48), "#8a7f6a").save(photo, format="JPEG")
    page.locator("#id_photos").set_input_files(str(photo))
    next_button.focus()
    page.keyboard.press("Enter")

    # 4. You: the last step, with the consent and Send, and no "Next".
    shows_step(page, 4, "You", "4. About you")
    expect(page.get_by_role("heading", name="4. About you")).to_be_focused()
    expect(next_button).to_be_hidden()
    expect(send).to_be_visible()
    expect(page.locator(".licence-statement")).to_be_visible()
    check_page(page)

    # Back, by keyboard: what was typed is still there.
    previous.focus()
    page.keyboard.press("Enter")
    shows_step(page, 3, "The photos", "3. Photos")
    expect(page.get_by_role("heading", name="3. Photos")).to_be_focused()
    previous.focus()
    page.keyboard.press("Space")
    shows_step(page, 2, "The find", "2. What is it?")
    expect(page.locator("#id_title")).to_have_value("Lavoir du Grand Pré")
    previous.focus()
    page.keyboard.press("Enter")
    shows_step(page, 1, "The place", "1. Where is it?")
    # The map, hidden meanwhile, still takes taps where they land.
    map_box = page.locator("[data-location-picker] .leaflet-container")
    box = map_box.bounding_box()
    assert box is not None and box["width"] > 300
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#id_longitude")).to_have_value(re.compile(r"^5\.\d{6}$"))
    assert not Contribution.objects.exists()


def test_on_a_phone_an_error_from_the_server_opens_its_step(open_form, check_page):
    page = open_form(PHONE_390)
    page.locator("#id_longitude").fill("5.05")
    page.locator("#id_latitude").fill("44.05")
    # An error only the server finds (or a browser that checks nothing): the name is
    # missing, and the photos, and who sends it.
    page.evaluate(
        """() => {
          const form = document.querySelector(".contribute-form");
          form.noValidate = true;
          form.requestSubmit();
        }"""
    )
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)
    shows_step(page, 2, "The find", "2. What is it?")
    expect(page.locator("#id_title")).to_be_visible()
    # A link of the list of errors leads to its step.
    page.locator(".error-summary a[href='#id_guest_email']").click()
    shows_step(page, 4, "You", "4. About you")
    expect(page.locator("#id_guest_email")).to_be_in_viewport()
    assert not Contribution.objects.exists()


def test_on_a_wide_screen_the_whole_form_shows(open_form):
    page = open_form(LAPTOP)
    expect(page.locator(".form-step:visible")).to_have_count(4)
    expect(page.locator(".steps-progress")).to_be_hidden()
    expect(page.locator(".steps-nav")).to_be_hidden()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    expect(page.locator(".licence-statement")).to_be_visible()
    # Narrowed to a phone's width, it goes to steps; widened again, it is whole again.
    page.set_viewport_size({"width": 390, "height": 844})
    shows_step(page, 1, "The place", "1. Where is it?")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.locator(".form-step:visible")).to_have_count(4)
