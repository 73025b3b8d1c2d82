"""Registering for an action as people do: a guest from a phone, the confirmation in a
real mailbox (SMTP) with its calendar file, cancelling from the email; and without
JavaScript."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Registration

from .helpers import PHONE

pytestmark = pytest.mark.browser

CANCEL_RE = re.compile(r"https?://\S+/actions/annuler/\S+/")


@pytest.fixture
def action(world):
    starts_at = (timezone.now() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return action_create(
        project=world.project,
        title="Plantation d'une haie à Albon",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 12), RoleInput("Accueil et café", 2)],
        address="Chemin des Vergers, Albon",
        meeting_point="Parking de la mairie",
        what_to_bring="Gants, bottes",
        status="published",
    )


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    calendars = [
        part.get_content()
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    return text, calendars


def test_a_guest_registers_from_a_phone_gets_the_ics_and_cancels_from_the_email(
    new_context, new_page, visit, check_page, action, smtp_server, live_server
):
    page = new_page(new_context(**PHONE))
    url = reverse("actions:detail", kwargs={"slug": action.slug})
    visit(page, url)
    expect(page.locator("main")).to_contain_text("12 places restantes")
    # One screen, four fields filled in: name, email, role, (companions left at 0).
    page.locator("#id_name").fill("Camille")
    page.locator("#id_email").fill("camille@example.org")
    page.get_by_label(re.compile("Planter")).check()
    page.get_by_role("button", name="S’inscrire").click()
    expect(page.locator("[role=status]")).to_contain_text("camille@example.org")
    expect(page.locator("main")).to_contain_text("11 places restantes")
    check_page(page)

    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    (message,) = smtp_server.messages
    assert smtp_server.recipients == [["camille@example.org"]]
    text, calendars = parts(message)
    for expected in ["Parking de la mairie", "Gants, bottes", "Chemin des Vergers"]:
        assert expected in text
    (ics,) = calendars
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["dtstart"].params["TZID"]) == "Europe/Paris"
    assert event.decoded("dtstart") == action.starts_at
    assert str(event["url"]).endswith(url)

    cancel = CANCEL_RE.search(text).group(0)
    visit(page, cancel.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Oui, annuler").click()
    expect(page.locator("[role=status]")).to_contain_text("annulée")
    check_page(page)
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_registering_works_without_javascript(new_context, new_page, visit, check_page, action):
    page = new_page(new_context(java_script_enabled=False, **PHONE))
    visit(page, reverse("actions:detail", kwargs={"slug": action.slug}))
    page.locator("#id_name").fill("Marcel")
    page.locator("#id_email").fill("marcel@example.org")
    page.get_by_label(re.compile("Accueil et café")).check()
    page.locator("#id_companions").fill("1")
    page.get_by_role("button", name="S’inscrire").click()
    check_page(page)
    registration = Registration.objects.get()
    assert (registration.role.name, registration.seats) == ("Accueil et café", 2)


def test_the_action_page_shows_a_small_map_of_the_meeting_point(
    new_context, new_page, visit, action
):
    action.longitude, action.latitude = 5.02671, 44.75432
    action.save(update_fields=["longitude", "latitude"])
    url = reverse("actions:detail", kwargs={"slug": action.slug})
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

    page = new_page(new_context(**phone))
    visit(page, url)  # axe runs with the map's region on the page
    name = re.compile("Carte du point de rendez-vous|Map of the meeting point")
    region = page.get_by_role("region", name=name)
    # Leaflet is fetched when the map comes near the view (core/leaflet-lazy.js).
    region.scroll_into_view_if_needed()
    expect(region).to_be_visible()
    expect(region.locator(".leaflet-tile-loaded").first).to_be_visible()
    point = region.locator("path.meeting-map-point")
    expect(point).to_have_count(1)
    # The point is drawn in the middle of the map, where the map was centred.
    map_box, point_box = region.bounding_box(), point.bounding_box()
    assert map_box and point_box
    for axis, size in (("x", "width"), ("y", "height")):
        middle = map_box[axis] + map_box[size] / 2
        assert abs(point_box[axis] + point_box[size] / 2 - middle) < 3
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Without JavaScript: no empty box, the links say where to go.
    bare = new_page(new_context(java_script_enabled=False, **phone))
    visit(bare, url)
    expect(bare.locator("#meeting-map")).to_be_hidden()
    expect(bare.get_by_role("link", name="Voir sur OpenStreetMap")).to_be_visible()


def test_the_agenda_fetches_leaflet_only_when_its_map_is_opened(
    new_context, new_page, visit, check_page, action, live_server
):
    action.longitude, action.latitude = 5.02671, 44.75432
    action.save(update_fields=["longitude", "latitude"])
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = new_page(new_context(**phone))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    visit(page, reverse("actions:agenda"))
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "/vendor/leaflet/" in url], fetched
    region = page.locator("#agenda-map")
    expect(region).to_be_hidden()
    expect(page.get_by_role("link", name="Plantation d'une haie à Albon")).to_be_visible()

    opener = page.get_by_role("button", name=re.compile("Afficher sur une carte|Show on a map"))
    expect(opener).to_have_attribute("aria-expanded", "false")
    with page.expect_response(re.compile(r"/leaflet/leaflet\.[0-9a-f]*\.?js$")):
        opener.click()
    expect(opener).to_have_attribute("aria-expanded", "true")
    expect(region).to_be_visible()
    expect(region.locator(".leaflet-tile-loaded").first).to_be_visible()
    expect(region.locator("path.agenda-map-point")).to_have_count(1)
    check_page(page)  # axe, with the map open
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Closed again: the list alone, as before.
    opener.click()
    expect(opener).to_have_attribute("aria-expanded", "false")
    expect(region).to_be_hidden()

    # Without JavaScript: no button that would do nothing, no empty box.
    bare = new_page(new_context(java_script_enabled=False, **phone))
    visit(bare, reverse("actions:agenda"))
    expect(bare.locator("#agenda-map-toggle")).to_be_hidden()
    expect(bare.locator("#agenda-map")).to_be_hidden()
    expect(bare.get_by_role("link", name="Plantation d'une haie à Albon")).to_be_visible()
