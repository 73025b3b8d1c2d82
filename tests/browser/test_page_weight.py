"""What each page costs a phone on a slow rural network: every file the browser loads
from the site for a first visit (the page, its styles, scripts, icons, the map's data),
each body gzipped (the app and WhiteNoise send brotli or zstd to browsers, a little
smaller): at most 50 KB for a text page, 90 KB for a page with a map (issue #20; it was
150 KB for every page, issue #13). Map tiles (another server) and people's photos
(`/media/`, the app's photo views) are not counted: they are the content. Our scripts
are counted minified, as `collectstatic` makes them for production.
bench/weight.py measures the bytes on the wire and the times on slow 4G."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Response

from tissage.core.staticfiles import is_ours, minify_js
from tissage.inventories.contributions.services import PhotoInput, contribution_submit
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import a_photo

pytestmark = pytest.mark.browser

TEXT_BUDGET = 50 * 1024
MAP_BUDGET = 90 * 1024
# Pages that show a map within a phone's first screen and a half: Leaflet is fetched for
# them (the home page's map only when it comes near the view, core/leaflet-lazy.js).
WITH_A_MAP = {"map", "action", "home"}
# The contribution form: a map to place the item, photos placed and sent as they are
# chosen, commune suggestions (htmx), in steps. Not among issue #20's pages.
FORM_BUDGET = 110 * 1024
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# People's photos: the content, not the page.
NOT_COUNTED = re.compile(r"/media/|/inventaires/photos/|/photos-gardees/")
# The map's data tiles (its clusters, issue #20 §4) are content, like the background
# tiles: counted apart, against the budget of a map view's data.
DATA_TILES = re.compile(r"/carte/(tuiles|vue)/")
DATA_TILES_BUDGET = 40 * 1024


@pytest.fixture
def territory(world, campaign, collective, planting) -> dict[str, str]:
    """One of each page an inhabitant meets, with some content, by name → path."""
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    items = []
    for number in range(12):
        photo: PhotoInput = a_photo()
        item = contribution_submit(
            campaign=campaign,
            category=lavoir,
            title=f"Lavoir n° {number}",
            lon=5.01 + number * 0.005,
            lat=44.01 + number * 0.005,
            photos=[photo],
            contributor=world.participant,
        )
        contribution_decide(
            item=item, moderator=world.facilitator, status=Contribution.Status.VALIDATED
        )
        items.append(item)
    action = planting
    slug = campaign.slug
    return {
        "home": "/",
        "project": world.project.get_absolute_url(),
        "campaign": reverse("inventories:campaign", kwargs={"slug": slug}),
        "contribution form": reverse("inventories:contribute", kwargs={"slug": slug}),
        "map": reverse("inventories:map", kwargs={"slug": slug}),
        "item list": reverse("inventories:items", kwargs={"slug": slug}),
        "item": reverse("inventories:item", kwargs={"slug": slug, "pk": items[0].pk}),
        "agenda": reverse("actions:agenda"),
        "action": reverse("actions:detail", kwargs={"slug": action.slug}),
        "collectives": reverse("collectives:list"),
        "collective": collective.get_absolute_url(),
        "sign-in": reverse("accounts:sign_in"),
        "my space (signed in)": reverse("accounts:my_space"),
    }


def as_collected(url: str, body: bytes) -> bytes:
    """A static file as `collectstatic` makes it for production (core/staticfiles.py):
    the tests serve the apps' files as written, and our scripts are minified."""
    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        return body
    name = path.removeprefix(settings.STATIC_URL)
    return minify_js(body.decode()).encode() if is_ours(name) else body


def test_a_text_page_weighs_at_most_50_kb_compressed_a_page_with_a_map_90_kb(
    new_context, new_page, check_page, sign_in_as, world, territory, live_server
):
    weights: dict[str, int] = {}
    tiles: dict[str, int] = {}
    for name, path in territory.items():
        # A first visit: a fresh browser, nothing cached.
        context = new_context(**PHONE)
        if "signed in" in name:
            sign_in_as(context, world.participant)
        page = new_page(context)
        loaded: list[Response] = []
        page.on("response", lambda response, into=loaded: into.append(response))
        answer = page.goto(path)
        assert answer is not None and answer.status == 200, (name, path)
        page.wait_for_load_state("networkidle")
        check_page(page)
        total = tiles_total = 0
        for response in loaded:
            url = response.url
            if not url.startswith(live_server.url) or NOT_COUNTED.search(url):
                continue
            if response.status != 200:
                continue
            size = len(gzip.compress(as_collected(url, response.body()), compresslevel=6))
            if DATA_TILES.search(url):
                tiles_total += size
            else:
                total += size
        weights[name] = total
        if tiles_total:
            tiles[name] = tiles_total
        context.close()

    report = "\n".join(f"{name:>22}: {size / 1024:6.1f} KB" for name, size in weights.items())
    report += "\n" + "\n".join(
        f"{name + ' (data tiles)':>22}: {size / 1024:6.1f} KB" for name, size in tiles.items()
    )
    print("\nCompressed weight of a first visit (tiles and people's photos excluded):\n" + report)
    assert tiles and all(size <= DATA_TILES_BUDGET for size in tiles.values()), report
    assert all(size > 5 * 1024 for size in weights.values()), report  # the pages were measured
    over = {
        name: size
        for name, size in weights.items()
        if size
        > (
            FORM_BUDGET
            if name == "contribution form"
            else MAP_BUDGET
            if name in WITH_A_MAP
            else TEXT_BUDGET
        )
    }
    assert not over, report
