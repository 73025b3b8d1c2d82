"""The inventory map with the demo's items, at 1280 px and at 390 px, zoom by zoom: no
two drawn markers overlap (discs with their ring), each is whole inside the map and out
from under its buttons, none is lost (the counts add up to the items in view), and a
single item is a marker with its category."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tissage.demo.data import demo_load
from tissage.demo.inventory import CAMPAIGN_SLUG
from tissage.inventories.models import Campaign

from .helpers import PHONE_390

pytestmark = pytest.mark.browser

RING = 2  # px: the disc's ring drawn outside its box (map.css, box-shadow)
OUT, STEPS = 5, 13  # from the opening zoom, out five times, then in thirteen times


@pytest.fixture
def demo_campaign(transactional_db, settings, tmp_path) -> Campaign:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    demo_load()
    return Campaign.objects.get(slug=CAMPAIGN_SLUG)


def drawn(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const frame = document.querySelector("#inventory-map").getBoundingClientRect();
            const box = e => { const r = e.getBoundingClientRect();
                return {x: r.x, y: r.y, right: r.right, bottom: r.bottom}; };
            return {
                frame: box(document.querySelector("#inventory-map")),
                controls: [...document.querySelectorAll("#inventory-map .leaflet-control")]
                    .map(box).filter(b => b.right > b.x && b.bottom > b.y),
                markers: [...document.querySelectorAll("#inventory-map .leaflet-marker-icon")]
                    .map(m => ({...box(m), cluster: m.classList.contains("map-cluster"),
                                text: m.innerText, label: m.getAttribute("aria-label") || ""})),
            };
        }"""
    )


def grown(box: dict, by: float) -> dict:
    return {
        "x": box["x"] - by,
        "y": box["y"] - by,
        "right": box["right"] + by,
        "bottom": box["bottom"] + by,
    }


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"]
        and b["x"] < a["right"]
        and a["y"] < b["bottom"]
        and b["y"] < a["bottom"]
    )


def check_the_markers(page: Page, zoom: int) -> int:
    """Asserts the drawing at this zoom; returns how many items the markers hold."""
    seen = drawn(page)
    frame = seen["frame"]
    # A disc's ring counts; a point's target (44 px) is larger than its dot.
    boxes = [grown(m, RING) if m["cluster"] else m for m in seen["markers"]]
    clashes = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlap(a, b)]
    assert not clashes, (zoom, clashes)
    for box, marker in zip(boxes, seen["markers"], strict=True):
        assert frame["x"] <= box["x"] and box["right"] <= frame["right"], (zoom, marker, frame)
        assert frame["y"] <= box["y"] and box["bottom"] <= frame["bottom"], (zoom, marker, frame)
        hidden = [control for control in seen["controls"] if overlap(box, control)]
        assert not hidden, (zoom, marker, hidden)
    return sum(int(re.sub(r"\D", "", m["text"])) if m["cluster"] else 1 for m in seen["markers"])


def zoom_by(page: Page, button: str) -> None:
    region = page.locator("#inventory-map")
    before = region.get_attribute("data-drawn")
    page.locator(button).click()
    expect(region).not_to_have_attribute("data-drawn", before or "")
    expect(region).not_to_have_attribute("aria-busy", "true")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_demo_clusters_never_overlap_and_stay_whole_at_every_zoom(
    new_context, new_page, visit, check_page, demo_campaign, size
):
    options = PHONE_390 if size == "phone" else {"viewport": {"width": 1280, "height": 800}}
    page = new_page(new_context(**options))
    visit(page, reverse("inventories:map", kwargs={"slug": demo_campaign.slug}))
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-drawn", re.compile(r"^\d+$"))
    expect(region).not_to_have_attribute("aria-busy", "true")
    check_page(page)
    # Out to a whole region, then in zoom by zoom to the houses.
    for _ in range(OUT):
        zoom_by(page, ".leaflet-control-zoom-out")
    levels, singles = [], []
    for step in range(STEPS):
        held = check_the_markers(page, step)
        assert held == int(region.get_attribute("data-total") or -1), step
        levels.append(held)
        for point in page.locator(".map-point-category").all()[:3]:
            # A single item shows its category: an initial, and the name in its label.
            assert re.fullmatch(r"[A-ZÀ-Ý]", point.inner_text().strip())
            singles.append(point.get_attribute("aria-label") or "")
        zoom_by(page, ".leaflet-control-zoom-in")
    assert max(levels) > 0
    assert singles and all(re.search(r"\(.+\)", label) for label in singles), singles


def test_a_view_comes_in_one_request_and_is_drawn_once_whole(
    new_context, new_page, check_page, demo_campaign
):
    """A slow network: while the first view's tiles (one request for all) are on their
    way, the map is busy and says it loads, and draws nothing; when they come, the view
    is drawn once, whole, its total said, none overlapping. Filters changed: the view's
    tiles again in one request, drawn once."""
    page = new_page(new_context(viewport={"width": 1280, "height": 800}))
    together: list[str] = []
    alone: list[str] = []
    held: list = []

    def rectangle(route) -> None:  # type: ignore[no-untyped-def]
        together.append(route.request.url)
        if len(together) == 1:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/carte/vue/\d+/\d+-\d+/\d+-\d+\.json"), rectangle)
    page.route(
        re.compile(r"/carte/tuiles/\d+/\d+/\d+\.json"),
        lambda route: (alone.append(route.request.url), route.continue_()),
    )
    page.goto(reverse("inventories:map", kwargs={"slug": demo_campaign.slug}))
    region = page.locator("#inventory-map")
    expect(page.locator("#map-status")).to_have_text("Chargement des éléments visibles…")
    expect(region).to_have_attribute("aria-busy", "true")
    assert len(held) == 1 and not alone  # the view's tiles: none asked apart
    assert region.locator(".leaflet-marker-icon").count() == 0
    held[0].continue_()
    expect(region).to_have_attribute("data-drawn", "1")
    expect(region).not_to_have_attribute("aria-busy", "true")
    whole = check_the_markers(page, 0)
    assert whole == int(region.get_attribute("data-total") or -1) > 0
    expect(page.locator("#map-status")).not_to_have_text("Chargement des éléments visibles…")
    check_page(page)
    # The tiles ahead come one by one, after the view is drawn.
    page.wait_for_function(
        r"""() => performance.getEntriesByType("resource")
            .filter(r => /tuiles\/\d+\/\d+\/\d+\.json/.test(r.name)).length > 3"""
    )
    category = demo_campaign.categories.order_by("position", "name").first()
    page.locator("#id_category").select_option(category.slug)
    expect(region).to_have_attribute("data-drawn", "2")
    assert len(together) == 2 and f"category={category.slug}" in together[1]
    filtered = check_the_markers(page, 0)
    assert filtered == int(region.get_attribute("data-total") or -1) < whole
    check_page(page)


# Before the map's scripts: the Leaflet map, kept when it is made (Leaflet's init hook).
KEEP_THE_MAP = """
(() => {
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get: () => leaflet,
    set: (value) => {
      leaflet = value;
      if (value && value.Map) value.Map.addInitHook(function () { window.__map = this; });
    },
  });
})();
"""


# Which of the first marker and the background map's first image came into the page first.
FIRST_MARKER_AND_BACKGROUND = """
(() => {
  window.__order = [];
  new MutationObserver(() => {
    for (const [what, selector] of [["marker", ".leaflet-marker-icon"],
                                    ["background", ".leaflet-tile"]]) {
      if (!window.__order.includes(what) && document.querySelector(selector)) {
        window.__order.push(what);
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();
"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_first_tiles_are_asked_before_leaflet_and_the_map_opens_where_they_are(
    new_context, new_page, check_page, demo_campaign, size
):
    """The map's script asks for its first view's tiles while Leaflet is still on its way
    (here held back until they are asked), then opens the map exactly on that view: the
    one Leaflet's fitBounds gives for the campaign's items, no deeper than zoom 15."""
    options = {"viewport": {"width": 1280, "height": 800}} if size == "desktop" else PHONE_390
    page = new_page(new_context(**options))
    page.add_init_script(KEEP_THE_MAP + FIRST_MARKER_AND_BACKGROUND)
    tiles: list[str] = []
    held: list = []

    def tile(route) -> None:  # type: ignore[no-untyped-def]
        tiles.append(route.request.url)
        route.continue_()

    page.route(re.compile(r"/carte/(tuiles|vue)/\d+/[\d-]+/[\d-]+\.json"), tile)
    page.route(re.compile(r"/leaflet(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))
    page.goto(reverse("inventories:map", kwargs={"slug": demo_campaign.slug}), wait_until="commit")
    # Leaflet asked, not answered; the tiles are asked all the same.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(r => /\\/carte\\/(tuiles|vue)\\//.test(r.name))"
    )
    assert len(held) == 1 and tiles
    held[0].continue_()
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-drawn", "1")
    expect(region.locator(".leaflet-tile").first).to_be_attached()
    view = page.evaluate(
        r"""() => {
            const map = window.__map;
            const [w, s, e, n] = document.querySelector("#inventory-map").dataset.bbox
                .split(",").map(Number);
            const box = L.latLngBounds([s, w], [n, e]);
            const zoom = Math.min(15, map.getBoundsZoom(box));
            const middle = map.unproject(map.project(box.getSouthWest(), zoom)
                .add(map.project(box.getNorthEast(), zoom)).divideBy(2), zoom);
            const centre = map.getCenter();
            const b = map.getPixelBounds();
            // The rectangle of the view's tiles, as one request asks them.
            const x = [Math.floor(b.min.x / 256), Math.floor(b.max.x / 256)];
            const y = [Math.floor(b.min.y / 256), Math.floor(b.max.y / 256)];
            const tiles = `/carte/vue/${map.getZoom()}/${x[0]}-${x[1]}/${y[0]}-${y[1]}.json`;
            // Asked before Leaflet's first byte came, which was when the test let it.
            const loaded = performance.getEntriesByType("resource");
            const leaflet = loaded.find(r => /\/leaflet(\.[0-9a-f]+)?\.js$/.test(r.name));
            const early = loaded.filter(r => /\/carte\/(tuiles|vue)\//.test(r.name)
                && r.startTime < leaflet.responseStart).map(r => new URL(r.name).pathname);
            return {zoom: map.getZoom(), fitted: zoom, tiles, early, order: window.__order,
                    apart: Math.max(Math.abs(centre.lat - middle.lat),
                                    Math.abs(centre.lng - middle.lng))};
        }"""
    )
    assert view["zoom"] == view["fitted"]
    assert view["apart"] < 1e-9
    # Asked before Leaflet: the view's tiles, every one of them, in one request.
    assert len(view["early"]) == 1, view["early"]
    assert view["early"][0].endswith(view["tiles"]), (view["tiles"], view["early"])
    # The background map came after the first markers.
    assert view["order"] == ["marker", "background"], view["order"]
    check_page(page)
