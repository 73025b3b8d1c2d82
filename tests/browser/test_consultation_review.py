"""What the review changed, in Chromium at 390 px with axe-core on every page: a guest
answers a questionnaire, opens the emailed link, and confirms with the keyboard (opening
the link alone counts nothing); a facilitator hides a proposal, and the second tap of a
stale page leaves it hidden."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from tissage.consultations.models import Proposal, Question, Questionnaire, Response
from tissage.consultations.tests.factories import ConsultationFactory, ProposalFactory

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def test_a_guest_confirms_an_answer_with_the_keyboard(
    new_context, new_page, visit, check_page, world
):
    consultation = ConsultationFactory(project=world.project, slug="patrimoine")
    item = Questionnaire.objects.create(
        consultation=consultation, title="Le patrimoine de la vallée", published=True
    )
    choice = Question.objects.create(
        questionnaire=item,
        kind=Question.Kind.CHOICE,
        label="Quel patrimoine protéger d’abord ?",
        choices=["Lavoirs", "Chapelles"],
        required=True,
    )
    page = new_page(new_context(**PHONE_390))
    visit(page, reverse("consultations:questionnaire", args=[item.pk]))
    page.locator(f"#id_{choice.field_name}_0").check()
    page.locator("#id_email").fill("voisine@example.org")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("main")).to_contain_text("Encore une étape")
    check_page(page)

    link = re.search(r"https?://\S+/questionnaires/confirmer/\S+/", mail.outbox[-1].body)
    assert link is not None
    visit(page, link.group(0))
    expect(page.locator("h1")).to_have_text("Confirmez votre réponse")
    assert Response.objects.get().counted_at is None
    page.get_by_role("button", name="Confirmer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("votre réponse compte")
    check_page(page)
    assert Response.objects.get().counted_at is not None


def test_hide_tapped_twice_leaves_the_proposal_hidden(
    new_context, new_page, visit, check_page, sign_in_as, world
):
    consultation = ConsultationFactory(project=world.project, slug="haies")
    proposal = ProposalFactory(consultation=consultation, title="Une haie au stade")
    team = new_context(**PHONE_390)
    sign_in_as(team, world.facilitator)
    first, stale = new_page(team), new_page(team)
    answer = reverse("consultations:answer", args=[proposal.pk])
    visit(first, answer)
    visit(stale, answer)
    for page in (first, stale):
        page.locator("#id_reason").fill("Un doublon.")
        page.get_by_role("button", name="Masquer la proposition").click()
        check_page(page)
    expect(stale.locator("body")).to_contain_text("La proposition est déjà masquée")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HIDDEN
