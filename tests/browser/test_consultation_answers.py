"""Issue #16, the answers part, in Chromium at 390 px with axe-core on every page: a
facilitator starts a consultation from the project's page, adds a category, answers a
proposal (a reason is needed to say no), then finishes the consultation saying publicly
how many proposals were left without an answer. The answer again with the keyboard
alone."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tissage.consultations.models import Consultation, Proposal, Support
from tissage.consultations.tests.factories import ConsultationFactory

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser


def _proposal(consultation: Consultation, title: str, **fields: object) -> Proposal:
    return Proposal.objects.create(
        consultation=consultation, title=title, text="Le long du chemin des écoliers.", **fields
    )


def test_a_facilitator_sets_up_answers_and_finishes_a_consultation(
    new_context, new_page, visit, check_page, sign_in_as, world
):
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.facilitator)
    page = new_page(phone)
    today = timezone.localdate()

    visit(page, world.project.get_absolute_url())
    page.get_by_role("link", name="Lancer une consultation").click()
    expect(page).to_have_url(url_is(reverse("consultations:create", args=[world.project.slug])))
    check_page(page)
    page.locator("#id_title").fill("Les haies du plateau")
    page.locator("#id_text").fill("Où planter **l’hiver prochain** ?")
    page.locator("#id_opens_on").fill((today - datetime.timedelta(days=30)).isoformat())
    # A closing day before the opening day: refused next to the field.
    page.locator("#id_closes_on").fill((today - datetime.timedelta(days=40)).isoformat())
    page.get_by_label("Publiée : visible de toutes les personnes qui voient le projet").check()
    page.get_by_role("button", name="Créer la consultation").click()
    check_page(page)
    expect(page.locator("#id_closes_on_error")).to_be_visible()
    assert not Consultation.objects.exists()
    page.locator("#id_closes_on").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Créer la consultation").click()
    consultation = Consultation.objects.get()
    expect(page).to_have_url(url_is(reverse("consultations:categories", args=[consultation.slug])))
    check_page(page)

    page.locator("#id_name").fill("Haies")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    check_page(page)
    expect(page.locator("main")).to_contain_text("Haies")

    # Proposals come from the proposals part; here, two made by inhabitants.
    hedge = _proposal(consultation, "Une haie à l’école", author=world.participant)
    Support.objects.create(proposal=hedge, email="voisine@example.org", confirmed_at=timezone.now())
    _proposal(consultation, "Un verger partagé", author=world.participant)

    visit(page, consultation.get_absolute_url())
    page.get_by_role("link", name="Réponses (2 sans réponse)").click()
    check_page(page)
    page.get_by_role("link", name="Une haie à l’école", exact=True).click()
    expect(page).to_have_url(url_is(reverse("consultations:answer", args=[hedge.pk])))
    check_page(page)
    page.get_by_label("Non retenue").check()
    page.get_by_role("button", name="Publier la réponse").click()
    check_page(page)
    expect(page.locator("#id_text_error")).to_be_visible()
    page.locator("#id_text").fill("Le terrain est inondable l’hiver.")
    mail.outbox.clear()
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page).to_have_url(url_is(reverse("consultations:answers", args=[consultation.slug])))
    check_page(page)
    expect(page.locator("[role=status], .messages").first).to_contain_text("La réponse est publiée")
    hedge.refresh_from_db()
    assert hedge.answer_status == Proposal.Answer.NOT_RETAINED
    # The author's notification is emailed at once; the guest who supported it has an
    # email of its own.
    assert sorted(m.to[0] for m in mail.outbox) == ["paul@example.org", "voisine@example.org"]

    visit(page, consultation.get_absolute_url())
    expect(page.locator("main")).to_contain_text("1 proposition sur 2 a une réponse officielle.")
    page.get_by_role("link", name="Clôturer").click()
    expect(page).to_have_url(url_is(reverse("consultations:finish", args=[consultation.slug])))
    check_page(page)
    page.locator("#id_statement").fill("Merci pour vos **2 propositions**.")
    page.get_by_role("button", name="Clôturer et publier le bilan").click()
    check_page(page)
    expect(page.locator("#id_confirm_error")).to_be_visible()
    page.get_by_label("Je clôture avec 1 proposition sans réponse").check()
    page.get_by_role("button", name="Clôturer et publier le bilan").click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))
    check_page(page)
    closing = page.locator(".consultation-closing")
    expect(closing).to_contain_text("Merci pour vos 2 propositions.")
    expect(closing).to_contain_text("1 proposition est restée sans réponse.")
    consultation.refresh_from_db()
    assert consultation.state() == Consultation.State.FINISHED


def test_answering_with_the_keyboard_alone(
    new_context, new_page, visit, check_page, sign_in_as, world
):
    consultation = ConsultationFactory(project=world.project)
    proposal = _proposal(consultation, "Un banc au lavoir", author=world.participant)
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.facilitator)
    page: Page = new_page(phone)
    visit(page, reverse("consultations:answer", args=[proposal.pk]))

    def tab_to(selector: str, limit: int = 80) -> None:
        locator = page.locator(selector)
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                break
        expect(locator).to_be_focused()

    # Tab reaches the group of answers; the arrows choose within it.
    tab_to("input[name=status][value=under_study]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("input[name=status][value=accepted]")).to_be_checked()
    tab_to("#id_text")
    page.keyboard.type("Nous l’installerons au printemps.")
    tab_to("main form:has(#id_text) button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url_is(reverse("consultations:answers", args=[consultation.slug])))
    check_page(page)
    proposal.refresh_from_db()
    assert proposal.answer_status == Proposal.Answer.ACCEPTED
    assert proposal.answer_text == "Nous l’installerons au printemps."
