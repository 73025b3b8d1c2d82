"""The style guide (/style/) passes axe on a phone and a desktop, and its controls are
big enough to touch."""

import pytest
from playwright.sync_api import expect

from tissage.accounts.models import User

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_the_style_guide_passes_axe_and_its_controls_are_44px(
    new_context, new_page, visit, sign_in_as, transactional_db, width
):
    staff = User.objects.create_user("staff@example.org", display_name="Sam Staff", is_staff=True)
    context = new_context(viewport={"width": width, "height": 844})
    sign_in_as(context, staff)
    page = new_page(context)
    visit(page, "/style/")
    expect(page.locator(".error-summary a").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # Every radio, checkbox, select and file button: a row or box at least 44 px high.
    for selector in (
        "label:has(> input[type=radio])",
        "label:has(> input[type=checkbox])",
        ".checkbox",
        "select",
        "input[type=file]",
    ):
        for box in (element.bounding_box() for element in page.locator(selector).all()):
            assert box is not None and box["height"] >= 44, selector
    # The typeface is our own, loaded from the site.
    page.wait_for_function("() => document.fonts.check('700 16px \"Atkinson Hyperlegible\"')")
    assert page.evaluate(
        "() => [...document.fonts]"
        ".some(f => f.family.includes('Atkinson') && f.status === 'loaded')"
    )
