"""The participatory map of a consultation and the comments, in Chromium at 390 px,
axe-core on every page: the map shows what is placed, a tap (or Enter, by keyboard)
offers to add a remark there, the list stands in without JavaScript; a participant
comments on a proposal, another reports the comment, the facilitator hides it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.accounts.models import User
from tissage.consultations.consultation.services import consultation_create
from tissage.consultations.models import Consultation, Proposal

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


@pytest.fixture
def consultation(world) -> Consultation:
    """An open consultation with the map, over Albon (5.0–5.1, 44.0–44.1): 30 remarks
    close together near the centre, and one hedge alone in the south-east."""
    today = timezone.localdate()
    consultation = consultation_create(
        project=world.project,
        title="Où planter l’hiver prochain ?",
        text="Dites-nous où planter des haies.",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        map_enabled=True,
        published=True,
        categories=["Haies"],
        map_categories=["Où planter une haie", "Passage dangereux"],
    )
    hedge, danger = consultation.categories.filter(part="map").order_by("position")
    Proposal.objects.bulk_create(
        Proposal(
            consultation=consultation,
            part=Proposal.Part.MAP,
            category=danger,
            title=f"Passage n° {i}",
            text="Les voitures passent vite.",
            author=world.participant,
            longitude=5.05 + (i % 6) * 0.0002,
            latitude=44.05 + (i // 6) * 0.0002,
        )
        for i in range(30)
    )
    Proposal.objects.create(
        consultation=consultation,
        part=Proposal.Part.MAP,
        category=hedge,
        title="Haie le long du canal",
        text="Un grand linéaire sans ombre.",
        author=world.participant,
        longitude=5.09,
        latitude=44.01,
        support_count=4,
    )
    return consultation


def test_the_map_shows_what_is_placed_and_offers_to_add_a_remark(
    new_context, new_page, visit, check_page, sign_in_as, world, consultation
):
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.participant)
    page = new_page(phone)
    visit(page, reverse("consultations:map", args=[consultation.slug]))
    region = page.get_by_role("region", name="Carte participative")
    expect(region).to_be_visible()
    expect(region).to_have_attribute("data-total", "31")
    expect(region).not_to_have_attribute("aria-busy", "true")
    expect(page.locator(".map-cluster").first).to_be_visible()
    expect(page.locator(".map-legend")).to_contain_text("Passage dangereux")
    check_page(page)

    # The hedge alone: a point coloured by its kind; its popup says what it is.
    hedge = page.locator(".map-point.map-kind-k0")
    expect(hedge).to_have_count(1)
    hedge.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Haie le long du canal")
    expect(popup).to_contain_text("Où planter une haie")
    expect(popup).to_contain_text("4 soutiens")
    link = popup.get_by_role("link", name="Voir la remarque")
    pk = Proposal.objects.get(title="Haie le long du canal").pk
    expect(link).to_have_attribute("href", reverse("consultations:proposal", args=[pk]))
    check_page(page)
    page.keyboard.press("Escape")

    # A tap on an empty part of the map offers to add a remark there.
    box = region.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 40, box["y"] + box["height"] - 60)
    add = page.get_by_role("link", name="Ajouter une remarque ici")
    expect(add).to_be_visible()
    propose = reverse("consultations:propose", args=[consultation.slug])
    expect(add).to_have_attribute(
        "href", re.compile(re.escape(propose) + r"\?partie=carte&lat=4\d\.\d+&lon=5\.\d+$")
    )
    check_page(page)

    # By keyboard: Enter on the map itself offers the same at its centre.
    page.keyboard.press("Escape")
    region.focus()
    page.keyboard.press("Enter")
    expect(add).to_be_focused()
    href = add.get_attribute("href") or ""
    lat = float(re.search(r"lat=([\d.]+)", href).group(1))  # type: ignore[union-attr]
    lon = float(re.search(r"lon=([\d.]+)", href).group(1))  # type: ignore[union-attr]
    assert 44.0 < lat < 44.1 and 5.0 < lon < 5.1
    check_page(page)


def test_without_javascript_the_map_page_lists_the_remarks(
    new_context, new_page, visit, consultation
):
    phone = new_context(**PHONE_390, java_script_enabled=False)
    page = new_page(phone)
    visit(page, reverse("consultations:map", args=[consultation.slug]))
    expect(page.locator(".map-placed")).to_contain_text("31 remarques et propositions")
    expect(page.locator(".map-placed .card")).to_have_count(20)
    expect(page.get_by_role("link", name="Placer une remarque", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("Page 2")).click()
    expect(page.locator(".map-placed .card")).to_have_count(11)


def test_a_comment_reported_then_hidden(
    new_context, new_page, visit, check_page, sign_in_as, world, consultation
):
    proposal = Proposal.objects.get(title="Haie le long du canal")
    url = reverse("consultations:proposal", args=[proposal.pk])

    # A participant comments.
    writer = User.objects.create_user("marie@example.org", display_name="Marie")
    phone = new_context(**PHONE_390)
    sign_in_as(phone, writer)
    page = new_page(phone)
    visit(page, url)
    page.locator("#comment_text").fill("Il faudrait des essences locales, pas de thuyas.")
    page.get_by_role("button", name="Publier mon commentaire").click()
    expect(page.locator(".comment-text")).to_contain_text("essences locales")
    check_page(page)

    # Another reports it, with a reason, from the thread.
    other = new_context(**PHONE_390)
    sign_in_as(other, world.participant)
    page = new_page(other)
    visit(page, url)
    page.locator(".comment-action summary", has_text="Signaler").click()
    page.get_by_label(re.compile("Pourquoi ce commentaire")).fill("Hors sujet")
    page.get_by_role("button", name="Signaler ce commentaire").click()
    expect(page.locator(".notice")).to_contain_text("Merci")
    expect(page.locator(".comment-actions")).to_contain_text("Vous avez signalé ce commentaire.")
    check_page(page)

    # The facilitator finds it first on the moderation page, and hides it.
    staff = new_context(**PHONE_390)
    sign_in_as(staff, world.facilitator)
    page = new_page(staff)
    visit(page, reverse("consultations:moderation", args=[consultation.slug]))
    reported = page.locator("section", has=page.locator("#reported-title"))
    expect(reported).to_contain_text("essences locales")
    expect(reported).to_contain_text("« Hors sujet »")
    reported.get_by_role("button", name="Masquer ce commentaire").click()
    expect(page.locator(".notice")).to_contain_text("masqué")
    expect(page.locator("main")).to_contain_text("Aucun commentaire signalé")
    check_page(page)

    page = new_page(phone)
    visit(page, url)
    expect(page.locator(".comment-hidden-text")).to_have_text(
        "Commentaire masqué par la modération."
    )
    expect(page.locator("main")).not_to_contain_text("essences locales")
