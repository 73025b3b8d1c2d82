"""Issue #16's proposals in Chromium at 390 px, axe-core on every page: a member
proposes (the similar titles appear while typing), then supports; the list; without
JavaScript, the similar titles come back once before the proposal goes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.consultations.consultation.services import consultation_create
from tissage.consultations.models import Proposal
from tissage.consultations.proposals.services import proposal_submit

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser


@pytest.fixture
def consultation(world):
    today = timezone.localdate()
    consultation = consultation_create(
        project=world.project,
        title="Où planter l’hiver prochain ?",
        text="Dites-nous où planter des haies et des vergers.",
        opens_on=today - datetime.timedelta(days=3),
        closes_on=today + datetime.timedelta(days=30),
        published=True,
        categories=["Haies", "Vergers"],
    )
    proposal_submit(
        consultation=consultation,
        part=Proposal.Part.IDEAS,
        title="Planter des haies autour du stade",
        text="Pour les oiseaux et l’ombre.",
        category=consultation.categories.get(name="Haies"),
        commune=None,
        point=None,
        author=world.facilitator,
    )
    return consultation


def test_a_member_proposes_then_supports_on_a_phone(
    new_context, new_page, visit, check_page, sign_in_as, world, consultation
):
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.participant)
    page = new_page(phone)

    visit(page, consultation.get_absolute_url())
    page.get_by_role("link", name="Faire une proposition").first.click()
    expect(page).to_have_url(url_is(reverse("consultations:propose", args=[consultation.slug])))
    check_page(page)

    # The similar titles appear while the title is typed.
    page.locator("#id_title").press_sequentially("Une haie au stade", delay=20)
    expect(page.locator("#similar")).to_contain_text("Planter des haies autour du stade")
    check_page(page)
    page.locator("#id_text").fill("Le long du grillage, côté route.")
    page.locator("#id_category").select_option(label="Haies")
    page.locator("main form.proposal-form [type=submit]").click()

    proposal = Proposal.objects.get(title="Une haie au stade")
    expect(page).to_have_url(url_is(proposal.get_absolute_url()))
    expect(page.locator("h1")).to_have_text("Une haie au stade")
    expect(page.locator("main")).to_contain_text("Paul Part")
    check_page(page)

    page.get_by_role("button", name="Je soutiens").click()
    expect(page.locator(".support-count")).to_contain_text("1 personne soutient")
    expect(page.get_by_role("button", name="Retirer mon soutien")).to_be_visible()
    check_page(page)

    visit(page, reverse("consultations:proposals", args=[consultation.slug]) + "?ordre=soutiens")
    expect(page.locator(".item-cards li").first).to_contain_text("Une haie au stade")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_without_javascript_the_similar_titles_come_back_once_and_support_by_keyboard(
    new_context, new_page, visit, check_page, sign_in_as, world, consultation
):
    phone = new_context(java_script_enabled=False, **PHONE_390)
    sign_in_as(phone, world.participant)
    page = new_page(phone)
    visit(page, reverse("consultations:propose", args=[consultation.slug]))
    page.locator("#id_title").fill("Des haies près du stade")
    page.locator("#id_text").fill("Pour les oiseaux.")
    page.locator("#id_category").select_option(label="Haies")
    page.locator("main form.proposal-form [type=submit]").click()
    expect(page.locator("#similar")).to_contain_text("Planter des haies autour du stade")
    check_page(page)
    assert not Proposal.objects.filter(title="Des haies près du stade").exists()
    page.locator("main form.proposal-form [type=submit]").click()
    proposal = Proposal.objects.get(title="Des haies près du stade")
    expect(page).to_have_url(url_is(proposal.get_absolute_url()))

    # Supporting by keyboard: the button takes the focus and Enter sends the form.
    button = page.get_by_role("button", name="Je soutiens")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".support-count")).to_contain_text(re.compile(r"1 personne"))
    check_page(page)
