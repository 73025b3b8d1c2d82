"""Small screens and keyboard use."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


@pytest.mark.parametrize("page_name", ["home", "project", "organisation", "sign_in"])
def test_no_horizontal_scroll_on_a_320px_screen(new_context, new_page, visit, world, page_name):
    url = {
        "home": "/",
        "project": world.project.get_absolute_url(),
        "organisation": world.organisation.get_absolute_url(),
        "sign_in": reverse("accounts:sign_in"),
    }[page_name]
    page = new_page(new_context(viewport=PHONE))
    visit(page, url)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{url} is {scroll_width}px wide on a 320px screen"


def test_skip_link_is_first_and_moves_focus_to_main(page, visit, world):
    visit(page, world.project.get_absolute_url())
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_attribute("href", "#main")
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on inside the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
