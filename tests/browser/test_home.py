"""Issue #14: on a 390 × 844 phone the home page offers the next action and an open
campaign as links, without signing in, the next action within the first screen; the map
of the territory appears with JavaScript, with its legend."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tissage.actions.manage.services import RoleInput, action_create
from tissage.territories.models import Commune

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def test_the_home_offers_the_next_action_and_an_open_campaign_without_signing_in(
    new_context, new_page, visit, world, campaign, collective, live_server
):
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    action = action_create(
        project=world.project,
        title="Taille des vieux pommiers",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Tailler", 8)],
        commune=Commune.objects.get(insee_code="26001"),
        latitude=44.05,
        longitude=5.05,
        status="published",
    )
    context = new_context(**PHONE_390)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = new_page(context)
    visit(page, "/")

    next_action = page.get_by_role("link", name="Taille des vieux pommiers")
    expect(next_action).to_have_attribute("href", f"/actions/{action.slug}/")
    box = next_action.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, box
    expect(page.get_by_text("8 places left")).to_be_visible()

    open_campaign = page.get_by_role("link", name="Petit patrimoine des vergers")
    expect(open_campaign).to_have_attribute("href", f"/inventaires/{campaign.slug}/")
    expect(page.get_by_role("link", name=collective.name).first).to_be_visible()

    # The map, with JavaScript: the action's marker and the legend. Below the first
    # screen, Leaflet is fetched once the map comes near the view (core/leaflet-lazy.js).
    expect(page.locator("#home-map-section")).to_be_visible()
    page.locator("#home-map").scroll_into_view_if_needed()
    expect(page.locator(".home-marker-action")).to_have_count(1)
    expect(page.get_by_text("An action to come")).to_be_visible()

    # Nothing asked to sign in on the way: the action's page opens for a visitor.
    next_action.click()
    expect(page).to_have_url(f"{live_server.url}/actions/{action.slug}/")
