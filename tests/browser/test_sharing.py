"""The share block of a public page on issue #13's 390 × 844 phone (issue #14, "Sharing"):
the link is there as text, "Copy the link" copies it, the native share button shows only
where the browser has a share menu; without JavaScript, the link and the email remain.
axe runs on the page (check_page)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def in_english(context, live_server) -> None:
    # The block's words are asserted in English (the msgids), whatever the catalogue.
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_the_share_block_copies_the_link_on_a_phone(
    new_context, new_page, visit, check_page, world, live_server
):
    context = new_context(**PHONE_390)
    in_english(context, live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = new_page(context)
    project_url = world.project.get_absolute_url()
    visit(page, project_url)
    block = page.locator("[data-share]")
    block.scroll_into_view_if_needed()
    link = block.get_by_role("textbox")
    expect(link).to_have_value(f"{live_server.url}{project_url}")

    copy = block.get_by_role("button", name="Copy the link")
    expect(copy).to_be_visible()
    box = copy.bounding_box()
    assert box is not None and box["height"] >= 44
    copy.click()
    expect(block.locator("[data-share-status]")).to_have_text("The link is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server.url}{project_url}"

    has_share_menu = page.evaluate("typeof navigator.share === 'function'")
    native = block.locator("[data-share-native]")
    if has_share_menu:
        expect(native).to_be_visible()
    else:
        expect(native).to_be_hidden()
    expect(block.get_by_role("link", name="Send by email")).to_have_attribute(
        "href",
        f"mailto:?subject={quote(world.project.title, safe='')}"
        f"&body={quote(live_server.url + project_url, safe='')}",
    )
    check_page(page)


def test_without_javascript_the_link_and_the_email_remain(
    new_context, new_page, visit, check_page, world, live_server
):
    context = new_context(**PHONE_390, java_script_enabled=False)
    in_english(context, live_server)
    page = new_page(context)
    visit(page, world.project.get_absolute_url())
    block = page.locator("[data-share]")
    expect(block.get_by_role("textbox")).to_be_visible()
    expect(block.get_by_role("link", name="Send by email")).to_be_visible()
    expect(block.get_by_role("button")).to_have_count(0)
    check_page(page)
