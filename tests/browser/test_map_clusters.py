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


def test_the_first_view_fills_in_as_its_tiles_come_and_counts_once_whole(
    new_context, new_page, check_page, demo_campaign
):
    """A slow network: the first tile (the view's centre) answers, the others wait. Its
    clusters are drawn at once, the map still busy and saying it loads; when the last
    tile comes, the view is drawn whole, its total said, none overlapping."""
    page = new_page(new_context(viewport={"width": 1280, "height": 800}))
    asked: list[str] = []
    held: list = []

    def slow(route) -> None:  # type: ignore[no-untyped-def]
        asked.append(route.request.url)
        if len(asked) == 1 or asked[0] == "released":
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(r"/carte/tuiles/\d+/\d+/\d+\.json"), slow)
    page.goto(reverse("inventories:map", kwargs={"slug": demo_campaign.slug}))
    region = page.locator("#inventory-map")
    expect(region.locator(".leaflet-marker-icon").first).to_be_visible()
    assert len(held) > 1  # the view has more tiles, still under way
    expect(region).to_have_attribute("aria-busy", "true")
    assert region.get_attribute("data-drawn") is None  # not a whole drawing yet
    expect(page.locator("#map-status")).to_have_text("Chargement des éléments visibles…")
    partial = check_the_markers(page, 0)
    assert partial > 0
    asked[0] = "released"
    for route in held:
        route.continue_()
    expect(region).to_have_attribute("data-drawn", "1")
    expect(region).not_to_have_attribute("aria-busy", "true")
    whole = check_the_markers(page, 0)
    assert whole == int(region.get_attribute("data-total") or -1) > partial
    expect(page.locator("#map-status")).not_to_have_text("Chargement des éléments visibles…")
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


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_first_tiles_are_asked_before_leaflet_and_the_map_opens_where_they_are(
    new_context, new_page, check_page, demo_campaign, size
):
    """The map's script asks for its first view's tiles while Leaflet is still on its way
    (here held back until they are asked), then opens the map exactly on that view: the
    one Leaflet's fitBounds gives for the campaign's items, no deeper than zoom 15."""
    options = {"viewport": {"width": 1280, "height": 800}} if size == "desktop" else PHONE_390
    page = new_page(new_context(**options))
    page.add_init_script(KEEP_THE_MAP)
    tiles: list[str] = []
    held: list = []

    def tile(route) -> None:  # type: ignore[no-untyped-def]
        tiles.append(route.request.url)
        route.continue_()

    page.route(re.compile(r"/carte/tuiles/\d+/\d+/\d+\.json"), tile)
    page.route(re.compile(r"/leaflet(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))
    page.goto(reverse("inventories:map", kwargs={"slug": demo_campaign.slug}), wait_until="commit")
    # Leaflet asked, not answered; the tiles are asked all the same.
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(r => r.name.includes('/carte/tuiles/'))"
    )
    assert len(held) == 1 and tiles
    held[0].continue_()
    region = page.locator("#inventory-map")
    expect(region).to_have_attribute("data-drawn", "1")
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
            const tiles = [];
            for (let x = Math.floor(b.min.x / 256); x <= Math.floor(b.max.x / 256); x++)
                for (let y = Math.floor(b.min.y / 256); y <= Math.floor(b.max.y / 256); y++)
                    tiles.push(`/${map.getZoom()}/${x}/${y}.json`);
            // Asked before Leaflet's first byte came, which was when the test let it.
            const loaded = performance.getEntriesByType("resource");
            const leaflet = loaded.find(r => /\/leaflet(\.[0-9a-f]+)?\.js$/.test(r.name));
            const early = loaded.filter(r => r.name.includes("/carte/tuiles/")
                && r.startTime < leaflet.responseStart).map(r => new URL(r.name).pathname);
            return {zoom: map.getZoom(), fitted: zoom, tiles, early,
                    apart: Math.max(Math.abs(centre.lat - middle.lat),
                                    Math.abs(centre.lng - middle.lng))};
        }"""
    )
    assert view["zoom"] == view["fitted"]
    assert view["apart"] < 1e-9
    # The tiles asked before Leaflet are the view's, every one of them.
    for tile in view["tiles"]:
        assert any(path.endswith(tile) for path in view["early"]), (tile, view["early"])
    check_page(page)
