"""Issue #16 end to end, as an inhabitant lives it on a phone (390 px), axe-core on every
page: from the home page's « Donnez votre avis » to the consultation, a proposal made as
a guest (name and address) and published by the link of the email, a support given to
another proposal (by keyboard, confirmed by its own link); then a facilitator answers
that proposal and the inhabitant, following the email, reads the answer on its page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tissage.consultations.consultation.services import consultation_create
from tissage.consultations.models import Consultation, Proposal
from tissage.consultations.proposals.services import proposal_submit

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser

GUEST_EMAIL = "agnes@example.org"
LINK_RE = re.compile(r"https?://\S+")


@pytest.fixture
def consultation(world) -> Consultation:
    today = timezone.localdate()
    consultation = consultation_create(
        project=world.project,
        title="Où planter l’hiver prochain ?",
        text="Dites-nous où planter des haies et des vergers.",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
        answers_until=today + datetime.timedelta(days=60),
        published=True,
        categories=["Haies", "Vergers partagés"],
    )
    proposal_submit(
        consultation=consultation,
        part=Proposal.Part.IDEAS,
        title="Un verger partagé derrière l’école",
        text="Une dizaine de fruitiers, plantés avec les enfants.",
        category=consultation.categories.get(name="Vergers partagés"),
        commune=None,
        point=None,
        author=world.participant,
    )
    return consultation


def _link_in_last_email_to(address: str, path_part: str) -> str:
    """The link of the last email to `address` whose address holds `path_part`."""
    messages = [m for m in mail.outbox if m.to == [address]]
    assert messages, f"no email to {address}"
    links = [link for link in LINK_RE.findall(messages[-1].body) if path_part in link]
    assert links, f"no link with {path_part} in:\n{messages[-1].body}"
    return links[0]


def _message(page: Page):  # type: ignore[no-untyped-def]
    """What the page tells after a form (Django's messages)."""
    return page.locator("[role=status], .messages").first


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_an_inhabitant_proposes_as_a_guest_supports_and_reads_the_answer(
    new_context, new_page, visit, check_page, sign_in_as, world, consultation
):
    phone = new_context(**PHONE_390)
    page = new_page(phone)

    # The home page invites to give one's opinion.
    visit(page, "/")
    invitation = page.locator("section", has=page.get_by_role("heading", name="Donnez votre avis"))
    invitation.get_by_role("link", name="Où planter l’hiver prochain ?").click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))
    check_page(page)
    _fits(page)

    # A proposal, as a guest: a name and an address.
    page.get_by_role("link", name="Faire une proposition").first.click()
    expect(page).to_have_url(url_is(reverse("consultations:propose", args=[consultation.slug])))
    check_page(page)
    page.locator("#id_title").fill("Une haie le long du stade")
    page.locator("#id_text").fill("Contre le vent du nord, côté route.")
    page.locator("#id_category").select_option(label="Haies")
    page.locator("#id_guest_name").fill("Agnès")
    page.locator("#id_guest_email").fill(GUEST_EMAIL)
    page.locator("main form.proposal-form [type=submit]").click()
    expect(_message(page)).to_contain_text("Ouvrez le lien")
    check_page(page)
    mine = Proposal.objects.get(title="Une haie le long du stade")
    assert mine.status == Proposal.Status.UNCONFIRMED

    # The link of the email: a page with a button (mail scanners publish nothing).
    visit(page, _link_in_last_email_to(GUEST_EMAIL, "/confirmer/proposition/"))
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(url_is(mine.get_absolute_url()))
    expect(page.locator("h1")).to_have_text("Une haie le long du stade")
    expect(_message(page)).to_contain_text("votre proposition est publiée")
    check_page(page)
    mine.refresh_from_db()
    assert mine.status == Proposal.Status.PUBLISHED

    # Another proposal, supported by keyboard alone: the address, then Enter.
    visit(page, reverse("consultations:proposals", args=[consultation.slug]))
    page.get_by_role("link", name="Un verger partagé derrière l’école").click()
    orchard = Proposal.objects.get(title="Un verger partagé derrière l’école")
    expect(page).to_have_url(url_is(orchard.get_absolute_url()))
    check_page(page)
    _fits(page)
    email_box = page.locator("form.support-form input[name=email]")
    email_box.focus()
    page.keyboard.type(GUEST_EMAIL)
    page.keyboard.press("Enter")
    expect(_message(page)).to_contain_text("Ouvrez le lien")
    check_page(page)
    visit(page, _link_in_last_email_to(GUEST_EMAIL, "/confirmer/soutien/"))
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(url_is(orchard.get_absolute_url()))
    expect(page.locator(".support-count")).to_contain_text("1 personne soutient")
    check_page(page)

    # The facilitator answers it, on a phone of their own.
    staff = new_context(**PHONE_390)
    sign_in_as(staff, world.facilitator)
    staff_page = new_page(staff)
    visit(staff_page, reverse("consultations:answer", args=[orchard.pk]))
    staff_page.get_by_label("Retenue", exact=True).check()
    staff_page.locator("#id_text").fill("Plantation le 17 janvier avec l’école.")
    mail.outbox.clear()
    staff_page.get_by_role("button", name="Publier la réponse").click()
    expect(_message(staff_page)).to_contain_text("La réponse est publiée")
    check_page(staff_page)

    # The inhabitant follows the email telling the answer, and reads it on the page.
    visit(page, _link_in_last_email_to(GUEST_EMAIL, orchard.get_absolute_url()))
    answer = page.locator(".official-answer")
    expect(answer).to_contain_text("Retenue")
    expect(answer).to_contain_text("Plantation le 17 janvier avec l’école.")
    _fits(page)
    visit(page, consultation.get_absolute_url())
    expect(page.locator("main")).to_contain_text("1 proposition sur 2 a une réponse officielle.")


def test_without_javascript_a_guest_proposes_from_the_home_page(
    new_context, new_page, visit, check_page, world, consultation
):
    page = new_page(new_context(java_script_enabled=False, **PHONE_390))
    visit(page, "/")
    page.get_by_role("link", name="Où planter l’hiver prochain ?").click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))
    page.get_by_role("link", name="Faire une proposition").first.click()
    check_page(page)
    page.locator("#id_title").fill("Des tilleuls sur la place")
    page.locator("#id_text").fill("Pour l’ombre du marché.")
    page.locator("#id_category").select_option(label="Haies")
    page.locator("#id_guest_name").fill("Agnès")
    page.locator("#id_guest_email").fill(GUEST_EMAIL)
    page.locator("main form.proposal-form [type=submit]").click()
    expect(_message(page)).to_contain_text("Ouvrez le lien")
    visit(page, _link_in_last_email_to(GUEST_EMAIL, "/confirmer/proposition/"))
    page.get_by_role("button", name="Confirmer").click()
    expect(page.locator("h1")).to_have_text("Des tilleuls sur la place")
    assert Proposal.objects.get(title="Des tilleuls sur la place").status == "published"
