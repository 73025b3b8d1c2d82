"""Issue #16, consultations in site search, follows, notifications and the workspace, in
Chromium at 390 px with axe-core on every page: an inhabitant finds a consultation and a
proposal from the header's search, follows the consultation and finds it in "Ce que je
suis", then reads the official answer to the proposal they support in their
notifications; the facilitator finds the free-text answers to read in "À traiter". The
search and the follow button again without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.consultations.answers.services import proposal_answer
from tissage.consultations.models import Proposal, Question, Questionnaire, Support
from tissage.consultations.questionnaires.services import AnswerInput, response_submit
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.engagement.models import Follow

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser


@pytest.fixture
def hedges(world):  # type: ignore[no-untyped-def]
    """An open consultation of the world's project, with a proposal the participant
    supports, a hidden one and a map remark."""
    consultation = ConsultationFactory(
        project=world.project,
        title="Les haies du plateau",
        text="Où planter des haies l’hiver prochain ?",
    )
    idea = Proposal.objects.create(
        consultation=consultation,
        title="Une haie à l’école",
        text="Le long du chemin des écoliers.",
        author=world.admin,
    )
    Support.objects.create(proposal=idea, user=world.participant)
    Proposal.objects.create(
        consultation=consultation,
        title="Haie hors sujet",
        text="Masquée.",
        status=Proposal.Status.HIDDEN,
    )
    Proposal.objects.create(
        consultation=consultation,
        part=Proposal.Part.MAP,
        title="Trouée dans la haie",
        text="Au croisement.",
        longitude=5.05,
        latitude=44.05,
    )
    return consultation, idea


def _search_from_the_header(page, words: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Rechercher sur le site").click()
    box = page.get_by_role("searchbox", name="Mots à chercher")
    expect(box).to_be_in_viewport()
    box.fill(words)
    box.press("Enter")


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px screen"


def test_an_inhabitant_finds_follows_and_hears_of_the_answer(
    new_context, new_page, visit, check_page, sign_in_as, world, hedges
):
    consultation, idea = hedges
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.participant)
    page = new_page(phone)
    visit(page, "/")

    _search_from_the_header(page, "HAIE")
    check_page(page)
    _fits(page)
    results = page.locator("main")
    expect(page.get_by_role("heading", name="Consultations", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Propositions", exact=True)).to_be_visible()
    expect(results).to_contain_text("Ouverte · du ")
    expect(results).to_contain_text("Remarque sur la carte · Les haies du plateau")
    expect(results).not_to_contain_text("Haie hors sujet")

    page.get_by_role("link", name="Une haie à l’école").click()
    expect(page).to_have_url(url_is(reverse("consultations:proposal", args=[idea.pk])))
    check_page(page)

    visit(page, "/recherche/?q=plateau")
    page.get_by_role("link", name="Les haies du plateau").click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))
    check_page(page)
    button = page.locator(f"#follow-button-consultation-{consultation.pk}")
    expect(button).to_have_text(re.compile(r"^\s*Suivre\s*$"))
    button.click()
    expect(button).to_have_text(re.compile("Ne plus suivre"))
    check_page(page)

    visit(page, reverse("engagement:follows"))
    _fits(page)
    item = page.locator(".follow-list li", has_text="Les haies du plateau")
    expect(item.locator(".badge")).to_have_text("Consultation")
    item.get_by_role("link", name="Les haies du plateau").click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))

    # The facilitator answers the proposal the inhabitant supports.
    proposal_answer(
        proposal=idea,
        status=Proposal.Answer.ACCEPTED,
        text="Nous la planterons en mars.",
        answered_by=world.facilitator,
        base_url="http://testserver",
    )
    visit(page, reverse("engagement:list"))
    _fits(page)
    line = page.get_by_role("link", name=re.compile("la proposition « Une haie à l’école »"))
    expect(line).to_contain_text("est retenue")
    line.click()
    expect(page).to_have_url(url_is(reverse("consultations:proposal", args=[idea.pk])))
    check_page(page)
    expect(page.locator("main")).to_contain_text("Nous la planterons en mars.")


def test_search_and_follow_without_javascript(
    new_context, new_page, visit, check_page, sign_in_as, world, hedges
):
    consultation, idea = hedges
    phone = new_context(**PHONE_390, java_script_enabled=False)
    sign_in_as(phone, world.participant)
    page = new_page(phone)
    visit(page, "/")

    _search_from_the_header(page, "ecole")
    check_page(page)
    page.get_by_role("link", name="Une haie à l’école").click()
    expect(page).to_have_url(url_is(reverse("consultations:proposal", args=[idea.pk])))

    visit(page, consultation.get_absolute_url())
    button = page.locator(f"#follow-button-consultation-{consultation.pk}")
    button.click()
    expect(page).to_have_url(url_is(consultation.get_absolute_url()))
    expect(button).to_have_text(re.compile("Ne plus suivre"))
    assert Follow.objects.active().of(consultation).filter(user=world.participant).exists()


def test_the_facilitator_finds_free_text_to_read_in_the_workspace(
    new_context, new_page, visit, check_page, sign_in_as, world, hedges
):
    consultation, _idea = hedges
    questionnaire = Questionnaire.objects.create(
        consultation=consultation, title="Vos haies", published=True
    )
    question = Question.objects.create(
        questionnaire=questionnaire, label="Une haie que vous aimez ?", kind=Question.Kind.TEXT
    )
    response_submit(
        questionnaire=questionnaire,
        answers=[AnswerInput(question=question, value="Celle du lavoir", text="Celle du lavoir")],
        user=world.participant,
    )
    phone = new_context(**PHONE_390)
    sign_in_as(phone, world.facilitator)
    page = new_page(phone)

    visit(page, reverse("dashboard:workspace"))
    _fits(page)
    link = page.get_by_role("link", name=re.compile("réponse libre à lire dans « Vos haies »"))
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(
        url_is(reverse("consultations:questionnaire_moderation", args=[questionnaire.pk]))
    )
    check_page(page)
    expect(page.locator("main")).to_contain_text("Celle du lavoir")
