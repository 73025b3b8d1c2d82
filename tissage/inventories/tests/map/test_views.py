"""The public map page: who sees it, what the script is given, the way without JavaScript."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tissage.core.tests.factories import ProjectMembershipFactory, UserFactory
from tissage.inventories.models import Campaign, Category
from tissage.inventories.tests.helpers import LAT, LON, heritage_campaign, published

pytestmark = pytest.mark.django_db


def map_url(campaign, query=""):
    return reverse("inventories:map", kwargs={"slug": campaign.slug}) + query


def attribute(html, name):
    found = re.search(rf'\s{name}="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return unescape(found.group(1))


def test_anyone_sees_the_map_of_a_published_project(client, campaign, settings):
    response = client.get(map_url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert attribute(html, "data-url") == f"/inventaires/{campaign.slug}/carte.geojson"
    assert attribute(html, "data-item-url") == f"/inventaires/{campaign.slug}/fiches/{{id}}/"
    assert attribute(html, "data-tiles") == settings.MAP_TILE_URL
    assert attribute(html, "data-attribution") == settings.MAP_TILE_ATTRIBUTION
    # The map has a name; the texts of the script come translated from the template.
    assert attribute(html, "aria-label")
    assert "{count}" in attribute(html, "data-label-many")
    for path in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css", "inventories/map.js"):
        assert f"/static/{path}" in html


def test_no_inline_script_or_style(client, campaign):
    html = client.get(map_url(campaign)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_the_map_opens_on_the_communes_of_the_campaign(client, campaign):
    # The test commune is a 0.03° square from (4.35, 43.83).
    html = client.get(map_url(campaign)).content.decode()
    assert attribute(html, "data-bbox") == "4.35000,43.83000,4.38000,43.86000"


def test_without_communes_the_map_opens_on_the_items_or_anywhere(client):
    campaign = heritage_campaign()
    campaign.communes.clear()
    assert attribute(client.get(map_url(campaign)).content.decode(), "data-bbox") == ""
    published(campaign, UserFactory(), lon=LON, lat=LAT)
    html = client.get(map_url(campaign)).content.decode()
    assert attribute(html, "data-bbox") == f"{LON:.5f},{LAT:.5f},{LON:.5f},{LAT:.5f}"


def test_filters_offer_the_categories_and_communes_of_the_campaign(client, campaign):
    other = heritage_campaign(commune=campaign.communes.get(), title="Ailleurs")
    Category.objects.create(campaign=other, name="Moulin à vent", slug="moulin-a-vent")
    html = client.get(map_url(campaign)).content.decode()
    assert 'name="category"' in html and 'name="commune"' in html and 'name="period"' in html
    assert '<option value="30189">Nîmes</option>' in html
    assert "moulin-a-vent" not in html
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    assert f'value="{lavoir.slug}"' in html


def test_the_list_link_keeps_the_filters(client, campaign):
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    response = client.get(map_url(campaign, f"?category={lavoir.slug}&commune=30189&period=XIX"))
    found = re.search(r'id="map-list-link" href="([^"]*)"', response.content.decode())
    assert found
    link = unescape(found.group(1))
    parts = urlsplit(link)
    assert parts.path == reverse("inventories:items", kwargs={"slug": campaign.slug})
    assert parse_qs(parts.query) == {
        "category": [lavoir.slug],
        "commune": ["30189"],
        "period": ["XIX"],
    }


def test_without_javascript_the_page_points_to_the_list(client, campaign):
    html = client.get(map_url(campaign)).content.decode()
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S)
    assert noscript and "JavaScript" in noscript.group(1)
    assert f'href="/inventaires/{campaign.slug}/fiches/"' in html
    # The empty map box is shown by the script only.
    assert re.search(r'<div id="inventory-map"[^>]*\shidden\b', html)


def test_a_draft_project_map_is_for_its_team_only(client, campaign):
    campaign.project.status = "draft"
    campaign.project.save()
    assert client.get(map_url(campaign)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(map_url(campaign)).status_code == 404
    member = UserFactory()
    ProjectMembershipFactory(project=campaign.project, user=member)
    client.force_login(member)
    assert client.get(map_url(campaign)).status_code == 200


def test_unknown_campaign_is_a_404(client):
    assert client.get("/inventaires/nulle-part/carte/").status_code == 404


def test_bad_filters_still_show_the_map(client, campaign):
    response = client.get(map_url(campaign, "?category=nope&period=" + "x" * 80))
    assert response.status_code == 200


def test_only_get(client, campaign):
    assert client.post(map_url(campaign)).status_code == 405


def test_page_queries_do_not_grow_with_items(client, django_assert_num_queries):
    campaign = heritage_campaign()
    moderator = UserFactory()
    counts = []
    for _ in range(2):
        published(campaign, moderator)
        # The campaign; the filters' choices (one query); the communes' extent; the
        # first view's cells; the legend's categories.
        with django_assert_num_queries(5) as captured:
            assert client.get(map_url(campaign)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert Campaign.objects.count() == 1
