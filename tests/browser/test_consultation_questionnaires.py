"""Questionnaires in Chromium at a phone's width, axe-core on every page: a person holding
a paper code answers by keyboard; the team reads the results, prints the codes and the
paper questionnaire, types a paper answer in and reads the free text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tissage.consultations.models import Question, Questionnaire, Response
from tissage.consultations.questionnaires.services import codes_generate
from tissage.consultations.tests.factories import ConsultationFactory

from .helpers import PHONE_390, url_is

pytestmark = pytest.mark.browser


@pytest.fixture
def questionnaire(world):  # type: ignore[no-untyped-def]
    consultation = ConsultationFactory(
        project=world.project, title="Nos priorités pour le patrimoine", slug="patrimoine"
    )
    item = Questionnaire.objects.create(
        consultation=consultation,
        title="Le patrimoine de la vallée",
        intro="Cinq minutes pour dire ce qui compte.",
        audience=Questionnaire.Audience.CODES,
        published=True,
    )
    for position, (kind, label, extra) in enumerate(
        [
            (
                Question.Kind.CHOICE,
                "Quel patrimoine protéger d’abord ?",
                {
                    "choices": ["Lavoirs", "Chapelles", "Moulins"],
                    "allow_other": True,
                    "required": True,
                },
            ),
            (
                Question.Kind.SCALE,
                "Votre intérêt pour le patrimoine",
                {"scale_min_label": "aucun", "scale_max_label": "très grand"},
            ),
            (Question.Kind.RANKING, "Classez ces actions", {"choices": ["Restaurer", "Raconter"]}),
            (Question.Kind.LONG_TEXT, "Un souvenir à partager ?", {}),
        ]
    ):
        Question.objects.create(
            questionnaire=item, kind=kind, label=label, position=position, **extra
        )
    return item


def test_a_code_holder_answers_by_keyboard_and_the_team_reads(
    new_context, new_page, visit, check_page, sign_in_as, world, questionnaire
):
    (code,) = codes_generate(questionnaire=questionnaire, count=1)
    phone = new_context(**PHONE_390)
    page = new_page(phone)

    visit(page, questionnaire.consultation.get_absolute_url())
    page.get_by_role("link", name="Répondre avec mon code").click()
    expect(page).to_have_url(url_is(reverse("consultations:code")))
    check_page(page)
    # A wrong code first: the error is next to the field.
    page.locator("#id_code").fill("AAAA-AAAA")
    page.keyboard.press("Enter")
    expect(page.locator("#id_code_error")).to_be_visible()
    check_page(page)
    page.locator("#id_code").fill(code.shown.lower())
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Le patrimoine de la vallée")
    check_page(page)
    expect(page.locator("#id_code")).to_have_value(code.shown)

    # By keyboard: the first choice, the scale's 4, the ranking, a memory.
    choice, scale, ranking, memory = questionnaire.questions.all()
    page.locator(f"#id_{choice.field_name}_0").focus()
    page.keyboard.press("Space")
    expect(page.locator(f"#id_{choice.field_name}_0")).to_be_checked()
    page.locator(f"#id_{scale.field_name}_3").focus()
    page.keyboard.press("Space")
    page.locator(f"#id_{ranking.field_name}_r0").select_option("2")
    page.locator(f"#id_{ranking.field_name}_r1").select_option("1")
    page.locator(f"#id_{memory.field_name}").focus()
    page.keyboard.type("Les lessives au lavoir")
    page.get_by_role("button", name="Envoyer mes réponses").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Merci pour vos réponses")
    check_page(page)
    response = Response.objects.get()
    assert response.access_code.pk == code.pk
    assert response.user is None

    # The team.
    team = new_context(**PHONE_390)
    sign_in_as(team, world.facilitator)
    staff = new_page(team)
    pk = questionnaire.pk
    visit(staff, reverse("consultations:questionnaire_manage", args=[pk]))
    visit(staff, reverse("consultations:questionnaire_results", args=[pk]))
    expect(staff.locator("main svg[role=img]").first).to_be_visible()
    expect(staff.locator("main table").first).to_contain_text("Lavoirs")
    visit(staff, reverse("consultations:questionnaire_moderation", args=[pk]))
    staff.get_by_label("Les lessives au lavoir", exact=False).check()
    staff.get_by_role("button", name="Publier les réponses cochées").click()
    expect(staff.locator("main")).to_contain_text("Rien à lire")
    check_page(staff)
    visit(staff, reverse("consultations:questionnaire_codes", args=[pk]))
    staff.locator("#id_count").fill("24")
    staff.get_by_role("button", name="Créer les codes").click()
    expect(staff.locator("main")).to_contain_text("25 codes créés")
    check_page(staff)
    visit(staff, reverse("consultations:questionnaire_codes_print", args=[pk]))
    expect(staff.locator(".code-card")).to_have_count(24)
    visit(staff, reverse("consultations:questionnaire_paper", args=[pk]))
    expect(staff.locator(".paper-question")).to_have_count(5)
    visit(staff, reverse("consultations:questionnaire_assist", args=[pk]))
    staff.locator(f"#id_{choice.field_name}_1").check()
    staff.get_by_role("button", name="Enregistrer cette réponse papier").click()
    expect(staff.locator("body")).to_contain_text("La réponse papier est enregistrée")
    check_page(staff)
    assert Response.objects.filter(entered_by=world.facilitator).count() == 1
    visit(staff, reverse("consultations:questionnaire_results", args=[pk]))
    expect(staff.locator("main")).to_contain_text("Les lessives au lavoir")


def test_a_place_is_tapped_on_the_map_or_typed(new_context, new_page, visit, world):
    consultation = ConsultationFactory(project=world.project, slug="lieux")
    item = Questionnaire.objects.create(
        consultation=consultation, title="Où planter ?", published=True
    )
    question = Question.objects.create(
        questionnaire=item, kind=Question.Kind.PLACE, label="Où planter une haie ?", required=True
    )
    page = new_page(new_context(**PHONE_390))
    visit(page, reverse("consultations:questionnaire", args=[item.pk]))
    expect(page.locator(".picker-map")).to_be_visible()
    page.locator(".picker-map").click()
    expect(page.locator("#id_longitude")).not_to_have_value("")
    page.locator("#id_email").fill("haie@example.org")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator("h1")).to_have_text("Merci pour vos réponses")
    answer = Response.objects.get().answers.get(question=question)
    assert len(answer.value) == 2
