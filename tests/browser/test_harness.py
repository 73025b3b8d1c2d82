"""The harness of the browser tests (conftest.py): they never reach the network (map
tiles are answered locally, any other address off the live server is refused and fails
the test that asked for it), and a request is a failure unless the page cancelled it on
purpose or was left while it loaded."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Error, Route

from .conftest import _tile_url_re

pytestmark = pytest.mark.browser


def test_the_tile_pattern_reads_the_placeholders_of_the_tile_address():
    osm = _tile_url_re("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    assert osm.match("https://tile.openstreetmap.org/12/2110/1495.png")
    assert not osm.match("https://example.org/12/2110/1495.png")
    retina = _tile_url_re("https://{s}.tiles.example.org/{z}/{x}/{y}{r}.png")
    assert retina.match("https://b.tiles.example.org/3/4/2@2x.png")
    assert not retina.match("https://b.tiles.example.org.evil.test/3/4/2.png")


def test_map_tiles_come_from_the_test_not_from_the_tile_server(page, tile_png):
    url = settings.MAP_TILE_URL.format(s="a", z=12, x=2110, y=1495, r="")
    response = page.goto(url)
    assert response is not None
    assert response.status == 200
    assert response.body() == tile_png
    assert not page.problems  # type: ignore[attr-defined]


def test_any_other_address_off_the_live_server_is_refused_and_counted(page):
    with pytest.raises(Error, match="ERR_INTERNET_DISCONNECTED"):
        page.goto("https://example.org/")
    assert page.problems == [  # type: ignore[attr-defined]
        "request failed: https://example.org/ (net::ERR_INTERNET_DISCONNECTED)"
    ]


def test_a_request_left_behind_when_the_page_is_left_is_no_failure(
    page, check_page, transactional_db
):
    held: list[Route] = []
    page.route("**/static/held.png", lambda route: held.append(route))  # never answered
    page.goto("/")
    with page.expect_request("**/static/held.png"):
        page.evaluate("() => { window.held = new Image(); window.held.src = '/static/held.png'; }")
    with page.expect_event("requestfailed"):
        page.goto("/")  # Chromium cancels the image of the page it leaves
    check_page(page)


def test_a_request_cancelled_while_the_page_stays_is_a_failure(page, check_page, transactional_db):
    page.route("**/static/cancelled.png", lambda route: route.abort("aborted"))
    page.goto("/")
    with page.expect_event("requestfailed"):
        page.evaluate("() => { window.img = new Image(); img.src = '/static/cancelled.png'; }")
    with pytest.raises(AssertionError, match=r"cancelled\.png \(net::ERR_ABORTED\)"):
        check_page(page)
