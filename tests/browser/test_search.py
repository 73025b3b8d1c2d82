"""Site search from the header, on issue #13's 390 × 844 phone and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE_390
from tissage.core.tests.factories import ProjectMembershipFactory
from tissage.inventories.tests.helpers import heritage_campaign, published
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.browser


def english(context, live_server):
    """Pages in English, so that the assertions read the English messages."""
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return context


@pytest.fixture
def church(transactional_db):
    campaign = heritage_campaign()
    moderator = ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    return published(campaign, moderator, title="Église Saint-Baudile")


@pytest.mark.parametrize("javascript", [True, False])
def test_the_header_search_finds_an_item_by_a_word_without_its_accents(
    new_context, new_page, visit, live_server, church, javascript
):
    context = new_context(**PHONE_390, java_script_enabled=javascript)
    page = new_page(english(context, live_server))
    visit(page, "/")

    # On a phone the header has a button to the search page, whose box takes the words.
    page.get_by_role("link", name="Search the site").click()
    box = page.get_by_role("searchbox", name="Words to find")
    expect(box).to_be_in_viewport()
    box.fill("eglise")
    box.press("Enter")

    expect(page.get_by_role("heading", name="Inventory items")).to_be_visible()
    page.get_by_role("link", name="Église Saint-Baudile").click()
    expect(page).to_have_url(church.get_absolute_url())


def test_the_results_page_fits_a_390px_phone(new_context, new_page, visit, live_server, church):
    page = new_page(english(new_context(**PHONE_390), live_server))
    visit(page, "/recherche/?q=eglise")

    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the results page is {width}px wide on a 390px screen"
    expect(page.get_by_role("link", name="Église Saint-Baudile")).to_be_in_viewport()


def test_a_one_letter_query_says_what_to_do(new_context, new_page, visit, live_server):
    page = new_page(english(new_context(), live_server))
    visit(page, "/recherche/?q=e")

    expect(page.get_by_role("alert")).to_contain_text("at least one word of two letters")
