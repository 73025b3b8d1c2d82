"""The public map of an inventory (clusters, zoom, points, popups, filters) and the
location picker of the contribution form, in Chromium; axe checks every state."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution
from tissage.territories.models import Commune

pytestmark = pytest.mark.browser

# Albon, the test commune of the `world` fixture: a 0.1° square from (5.0, 44.0).
WEST, SOUTH = 5.0, 44.0


@pytest.fixture
def campaign(world) -> Campaign:
    """A heritage campaign over Albon with 500 published items (25 × 20, every ~80 m)."""
    campaign = campaign_create(
        project=world.project,
        title="Petit patrimoine des vergers",
        template=Campaign.Template.HERITAGE,
        communes=[Commune.objects.get(insee_code="26001")],
    )
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=lavoir,
            title=f"Lavoir n° {i}",
            status=Contribution.Status.VALIDATED,
            longitude=WEST + 0.04 + (i % 25) * 0.001,
            latitude=SOUTH + 0.04 + (i // 25) * 0.001,
            licence=campaign.licence,
            consent_at=timezone.now(),
        )
        for i in range(500)
    )
    return campaign


def loads_the_items(page, region, move) -> None:
    """`move()` the map, then wait until it has drawn the items of the new view.

    A zoom or a pan is animated, and the map draws when it ends, from the tiles it has
    already (asked ahead) or once those missing come: waiting for that drawing (the
    map counts them in data-drawn) before the next step is what leaves no drawing of an
    earlier step under way (whose markers could replace the one the next step focuses).
    """
    before = region.get_attribute("data-drawn")
    move()
    expect(region).not_to_have_attribute("data-drawn", before or "")
    expect(region).not_to_have_attribute("aria-busy", "true")


def test_the_map_shows_clusters_then_points_and_leads_to_an_item(page, visit, check_page, campaign):
    visit(page, reverse("inventories:map", kwargs={"slug": campaign.slug}))
    region = page.get_by_role("region", name=re.compile("Map of the published items|Carte", re.I))
    expect(region).to_be_visible()
    expect(region).to_have_attribute("data-total", "500")
    expect(region).to_have_attribute("data-kind", "clusters")
    expect(page.locator(".map-cluster").first).to_be_visible()
    expect(region).not_to_have_attribute("aria-busy", "true")
    check_page(page)

    # Zoomed out with the (keyboard-usable) control: the stored cells, same total.
    zoom_out = page.locator(".leaflet-control-zoom-out")
    for _ in range(3):
        loads_the_items(page, region, zoom_out.click)
    expect(region).to_have_attribute("data-kind", "clusters")
    expect(region).to_have_attribute("data-total", "500")
    counts = page.locator(".map-cluster").all_inner_texts()
    assert sum(int(re.sub(r"\D", "", text)) for text in counts) == 500

    # A cluster, with the keyboard: Enter zooms in on it, until the items show.
    for _ in range(8):
        if region.get_attribute("data-kind") == "points":
            break
        before = page.locator(".map-cluster").all_inner_texts()
        page.locator(".map-cluster").first.focus()
        loads_the_items(page, region, lambda: page.keyboard.press("Enter"))
        expect(page.locator(".map-cluster")).not_to_have_text(before)
    expect(region).to_have_attribute("data-kind", "points")
    assert int(region.get_attribute("data-total") or 0) <= 400

    # A point opens a popup with the title, the category and a link to the item.
    point = page.locator(".map-point").first
    name = point.get_attribute("aria-label") or ""
    assert name.startswith("Lavoir n° ")
    point.click()
    popup = page.locator(".leaflet-popup .map-popup")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Lavoir")
    link = popup.get_by_role("link")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(rf"/inventaires/{campaign.slug}/fiches/\d+/", href), href
    check_page(page)
    # Moving the map (here with the keyboard) reloads the items; the open popup stays.
    # First the map is still: no pan (the popup's own, to show itself) nor load under way.
    expect(page.locator(".leaflet-pan-anim")).to_have_count(0)
    expect(region).not_to_have_attribute("aria-busy", "true")
    region.focus()
    loads_the_items(page, region, lambda: page.keyboard.press("ArrowDown"))
    # The items are shown by now; Leaflet closes a popup by setting its opacity to 0
    # at once, then removes it 200 ms later: neither happened.
    expect(page.locator(".leaflet-popup")).to_have_count(1)
    expect(page.locator(".leaflet-popup")).not_to_have_attribute(
        "style", re.compile(r"opacity:\s*0(\.0*)?\s*(;|$)")
    )
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    title = popup.locator(".map-popup-title").inner_text()
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.locator("h1")).to_have_text(title)
    check_page(page)


def test_filters_reload_the_map_and_follow_to_the_list(page, visit, check_page, campaign):
    url = reverse("inventories:map", kwargs={"slug": campaign.slug})
    visit(page, url)
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-total", "500")
    croix = campaign.categories.get(merimee_denomination="croix")
    page.locator("#id_category").select_option(croix.slug)
    expect(region).to_have_attribute("data-total", "0")
    expect(page.locator("#map-status")).not_to_be_empty()
    expect(page).to_have_url(re.compile(rf"\?category={croix.slug}$"))
    list_link = page.locator("#map-list-link")
    expect(list_link).to_have_attribute("href", re.compile(rf"/fiches/\?category={croix.slug}$"))
    check_page(page)
    page.locator("#id_category").select_option("")
    expect(region).to_have_attribute("data-total", "500")


def test_without_javascript_the_map_page_leads_to_the_list(new_context, new_page, visit, campaign):
    page = new_page(new_context(java_script_enabled=False))
    visit(page, reverse("inventories:map", kwargs={"slug": campaign.slug}) + "?commune=26001")
    expect(page.locator("#inventory-map")).to_be_hidden()
    list_link = page.locator("#map-list-link")
    expect(list_link).to_be_visible()
    list_link.click()
    expect(page).to_have_url(re.compile(r"/fiches/\?commune=26001$"))


def test_the_location_picker_fills_and_follows_the_coordinates(
    new_context, new_page, check_page, visit, campaign
):
    context = new_context(
        geolocation={"longitude": 5.0512341, "latitude": 44.0456789},
        permissions=["geolocation"],
    )
    page = new_page(context)
    visit(page, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    picker = page.locator("[data-location-picker]")
    map_box = picker.get_by_role("region")
    expect(map_box).to_be_visible()
    # The legend stays first in its fieldset; the map comes after it.
    assert picker.evaluate("f => f.firstElementChild.tagName") == "LEGEND"

    # A tap places the point and fills the inputs with 6 decimals.
    box = map_box.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.6)
    longitude, latitude = page.locator("#id_longitude"), page.locator("#id_latitude")
    expect(longitude).to_have_value(re.compile(r"^5\.\d{6}$"))
    expect(latitude).to_have_value(re.compile(r"^44\.\d{6}$"))
    marker = picker.locator(".picker-marker")
    expect(marker).to_have_count(1)
    check_page(page)

    # Typed coordinates move the marker.
    where = "m => { const box = m.getBoundingClientRect(); return [box.x, box.y]; }"
    before = marker.evaluate(where)
    longitude.fill("5.02")
    latitude.fill("44.02")
    page.wait_for_function(
        """([x, y]) => {
            const box = document.querySelector("[data-location-picker] .picker-marker")
                .getBoundingClientRect();
            return box.x !== x || box.y !== y;
        }""",
        arg=before,
    )
    assert marker.evaluate(where) != before

    # The device's position.
    page.get_by_role("button", name=re.compile("position", re.I)).click()
    expect(longitude).to_have_value("5.051234")
    expect(latitude).to_have_value("44.045679")
    expect(picker.get_by_role("status")).not_to_be_empty()
    check_page(page)


def test_the_location_picker_says_when_the_position_is_refused(
    new_context, new_page, visit, campaign
):
    page = new_page(new_context())  # no permission granted: the browser refuses
    visit(page, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    picker = page.locator("[data-location-picker]")
    error = picker.get_attribute("data-label-locate-error")
    page.get_by_role("button", name=re.compile("position", re.I)).click()
    expect(picker.get_by_role("status")).to_have_text(error or "")
    expect(page.locator("#id_longitude")).to_have_value("")
