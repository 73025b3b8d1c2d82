"""Map-first screens on issue #14's 390 × 844 phone: the inventory map fills the first
screen, its markers never overlap (120 items close together), the filters fold behind
"Filter (n)" and open and close by keyboard, the item page's link lands on the item;
the agenda folds its filters the same way. axe checks every page visited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution
from tissage.territories.models import Commune

from .helpers import PHONE_390

pytestmark = pytest.mark.browser

LONE = (5.085, 44.085)  # an item far from the others (lon, lat)


@pytest.fixture
def crowded(world) -> Campaign:
    """120 published items within 2 km in Albon: a heap of 40 in 100 m, the rest spread
    every ~350 m, and one lone item in a corner."""
    campaign = campaign_create(
        project=world.project,
        title="Croix et lavoirs d'Albon",
        template=Campaign.Template.HERITAGE,
        communes=[Commune.objects.get(insee_code="26001")],
    )
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    places = [(5.05 + (i % 8) * 0.0001, 44.05 + (i // 8) * 0.0001) for i in range(40)]
    places += [(5.03 + (i % 10) * 0.004, 44.03 + (i // 10) * 0.004) for i in range(79)]
    places.append(LONE)
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=lavoir,
            title="Lavoir du bout du monde" if (lon, lat) == LONE else f"Lavoir n° {i}",
            status=Contribution.Status.VALIDATED,
            longitude=lon,
            latitude=lat,
            licence=campaign.licence,
            consent_at=timezone.now(),
        )
        for i, (lon, lat) in enumerate(places)
    )
    return campaign


@pytest.fixture
def phone(new_context, new_page, live_server):
    """A 390 × 844 phone reading the site in English (the texts asserted)."""

    def open_phone(**options: object) -> Page:
        context = new_context(**PHONE_390, **options)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        return new_page(context)

    return open_phone


def marker_boxes(page: Page) -> list[dict[str, float]]:
    return page.locator("#inventory-map .leaflet-marker-icon").evaluate_all(
        """markers => markers.map(m => {
            const box = m.getBoundingClientRect();
            return {x: box.x, y: box.y, width: box.width, height: box.height};
        })"""
    )


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_the_map_fills_the_first_screen_with_markers_that_never_overlap(phone, visit, crowded):
    page = phone()
    visit(page, reverse("inventories:map", kwargs={"slug": crowded.slug}))
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-total", "120")
    expect(region).not_to_have_attribute("aria-busy", "true")

    # The map is in the first screen and takes most of it; the filters are folded.
    box = region.bounding_box()
    assert box is not None
    assert box["y"] < 844 / 3, box
    assert box["y"] + box["height"] <= 844, box
    assert box["height"] >= 844 / 2, box
    expect(page.locator("#map-filters")).to_be_hidden()

    # 120 items at the opening zoom: grouped, none lost, no two boxes overlapping, each
    # a target of at least 44 px.
    expect(region).to_have_attribute("data-kind", "clusters")
    counts = page.locator(".map-cluster").all_inner_texts()
    points = page.locator(".map-point").count()
    assert counts, "no group on the map"
    assert sum(int(re.sub(r"\D", "", text)) for text in counts) + points == 120
    boxes = marker_boxes(page)
    assert len(boxes) == len(counts) + points > 1
    for one in boxes:
        assert one["width"] >= 44 and one["height"] >= 44, one
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlap(a, b)]
    assert not clashes, clashes

    # Closer, the same holds.
    before = region.get_attribute("data-drawn")
    page.locator(".leaflet-control-zoom-in").click()
    expect(region).not_to_have_attribute("data-drawn", before or "")
    expect(region).not_to_have_attribute("aria-busy", "true")
    boxes = marker_boxes(page)
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlap(a, b)]


def test_the_filter_panel_opens_and_closes_by_keyboard_and_counts_the_filters(
    phone, visit, check_page, crowded
):
    page = phone()
    visit(page, reverse("inventories:map", kwargs={"slug": crowded.slug}))
    toggle = page.locator(".filters-toggle")
    panel = page.locator("#map-filters")
    expect(toggle).to_have_text("Filter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(panel).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    # The first filter has the keyboard.
    expect(page.locator("#id_category")).to_be_focused()
    check_page(page)
    croix = crowded.categories.get(merimee_denomination="croix")
    page.locator("#id_category").select_option(croix.slug)
    expect(toggle).to_have_text("Filter (1)")
    expect(page.locator("#inventory-map")).to_have_attribute("data-total", "0")

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    page.keyboard.press(" ")
    expect(panel).to_be_visible()

    # A shared address with two filters says so before the panel opens.
    visit(
        page,
        reverse("inventories:map", kwargs={"slug": crowded.slug})
        + f"?category={croix.slug}&commune=26001",
    )
    expect(page.locator(".filters-toggle")).to_have_text("Filter (2)")
    expect(page.locator("#map-filters")).to_be_hidden()


def test_without_javascript_the_filters_are_a_plain_form(phone, visit, crowded):
    page = phone(java_script_enabled=False)
    visit(page, reverse("inventories:map", kwargs={"slug": crowded.slug}))
    expect(page.locator("#map-filters")).to_be_visible()
    expect(page.locator(".filters-toggle")).to_be_hidden()
    expect(page.locator("#map-list-link")).to_be_visible()


def test_the_item_page_link_opens_the_map_centred_on_the_item(phone, visit, check_page, crowded):
    page = phone()
    item = Contribution.objects.get(campaign=crowded, title="Lavoir du bout du monde")
    visit(page, reverse("inventories:item", kwargs={"slug": crowded.slug, "pk": item.pk}))
    page.get_by_role("link", name="see it on the map").click()
    expect(page).to_have_url(re.compile(r"/carte/#map=17/44\.08500/5\.08500$"))
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-total", "1")
    marker = page.get_by_role("button", name=re.compile("^Lavoir du bout du monde"))
    expect(marker).to_be_visible()
    check_page(page)
    map_box, marker_box = region.bounding_box(), marker.bounding_box()
    assert map_box is not None and marker_box is not None
    centre_x = map_box["x"] + map_box["width"] / 2
    centre_y = map_box["y"] + map_box["height"] / 2
    assert abs(marker_box["x"] + marker_box["width"] / 2 - centre_x) <= 2, (map_box, marker_box)
    assert abs(marker_box["y"] + marker_box["height"] / 2 - centre_y) <= 2, (map_box, marker_box)


def test_the_agenda_folds_its_filters_on_a_phone(phone, visit, planting):
    action = planting
    page = phone()
    visit(page, reverse("actions:agenda") + f"?kind={action.kind}")
    toggle = page.locator(".filters-toggle")
    expect(toggle).to_have_text("Filter (1)")
    expect(page.locator("#agenda-filters")).to_be_hidden()
    # The actions come first: the card, with its places left, is in the first screen.
    card = page.locator("[data-agenda-card]").first
    expect(card).to_contain_text("12 places left")
    card_box = card.bounding_box()
    assert card_box is not None and card_box["y"] < 844, card_box
    toggle.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#agenda-filters")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#agenda-filters")).to_be_hidden()
    expect(toggle).to_be_focused()
