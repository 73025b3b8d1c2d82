"""Setting a questionnaire up without code, assisted entry, the paper pages, the part on
the consultation page, and a person's data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.accounts.services import account_data, account_delete
from tissage.consultations.models import Question, Questionnaire, Response
from tissage.consultations.questionnaires.services import AnswerInput, response_submit
from tissage.core.pdf import PdfUnavailable, pdf_from_html
from tissage.core.tests.factories import UserFactory

from .conftest import answers_data
from .factories import AccessCodeFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def test_a_facilitator_creates_a_questionnaire_and_its_questions(client, consultation, facilitator):
    client.force_login(facilitator)
    create = reverse("consultations:questionnaire_create", args=[consultation.slug])
    assert client.post(create, {"title": "", "audience": "anyone"}).status_code == 200
    response = client.post(create, {"title": "Patrimoine", "audience": "codes", "published": "on"})
    item = Questionnaire.objects.get()
    assert response["Location"] == reverse("consultations:questionnaire_manage", args=[item.pk])
    assert item.audience == Questionnaire.Audience.CODES and item.published

    add = reverse("consultations:question_add", args=[item.pk])
    base = {"label": "Quel patrimoine ?", "kind": "choice", "scale_min": 1, "scale_max": 5}
    one_choice = client.post(add, {**base, "choices": "Lavoirs"})
    assert one_choice.status_code == 200
    assert "au moins deux choix" in one_choice.text
    assert (
        client.post(add, {**base, "choices": "Lavoirs\n\n Chapelles \nLavoirs"}).status_code == 302
    )
    question = item.questions.get()
    assert question.choices == ["Lavoirs", "Chapelles"]
    bad_scale = client.post(add, {**base, "kind": "scale", "scale_min": 5, "scale_max": 1})
    assert "au-dessus" in bad_scale.text
    assert client.post(add, {**base, "kind": "text", "label": "Un souvenir ?"}).status_code == 302
    second = item.questions.get(kind="text")
    assert second.choices == []

    move = reverse("consultations:question_move", args=[second.pk])
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert [q.pk for q in item.questions.all()] == [second.pk, question.pk]
    assert client.post(move, {"direction": "sideways"}).status_code == 400

    manage = client.get(reverse("consultations:questionnaire_manage", args=[item.pk]))
    assert "Quel patrimoine ?" in manage.text


def test_questions_are_locked_once_answers_came(client, questionnaire, facilitator):
    response_submit(
        questionnaire=questionnaire,
        answers=[AnswerInput(question=questionnaire.questions.first(), value="Lavoirs")],
        user=UserFactory(),
    )
    client.force_login(facilitator)
    question = questionnaire.questions.get(kind="choice")
    edit = reverse("consultations:question_edit", args=[question.pk])
    sent = client.post(edit, {"label": "Nouveau libellé", "kind": "text", "choices": "X\nY"})
    assert sent.status_code == 302
    question.refresh_from_db()
    assert question.label == "Nouveau libellé"
    assert question.kind == "choice" and question.choices == ["Lavoirs", "Chapelles", "Moulins"]
    client.post(reverse("consultations:question_delete", args=[question.pk]))
    assert Question.objects.filter(pk=question.pk).exists()
    added = client.get(reverse("consultations:question_add", args=[questionnaire.pk]))
    assert added.status_code == 302


def test_assisted_entry_is_flagged_and_uses_the_code(client, questionnaire, facilitator):
    questionnaire.audience = Questionnaire.Audience.CODES
    questionnaire.save()
    code = AccessCodeFactory(questionnaire=questionnaire)
    client.force_login(facilitator)
    url = reverse("consultations:questionnaire_assist", args=[questionnaire.pk])
    assert "Saisir une réponse papier" in client.get(url).text
    assert client.post(url, answers_data(questionnaire, code=code.shown)).status_code == 302
    assert client.post(url, answers_data(questionnaire)).status_code == 302
    first, second = Response.objects.order_by("pk")
    assert first.entered_by == second.entered_by == facilitator
    assert first.user is None and first.counted_at is not None
    code.refresh_from_db()
    assert code.response == first
    used = client.post(url, answers_data(questionnaire, code=code.shown))
    assert used.status_code == 400
    assert Response.objects.count() == 2
    assert questionnaire.tallies.get(area="").count == 2


def test_codes_are_made_and_printed(client, questionnaire, facilitator):
    client.force_login(facilitator)
    url = reverse("consultations:questionnaire_codes", args=[questionnaire.pk])
    assert client.post(url, {"count": "0"}).status_code == 400
    assert client.post(url, {"count": "1000"}).status_code == 400
    assert client.post(url, {"count": "30"}).status_code == 302
    assert questionnaire.codes.count() == 30
    printed = client.get(
        reverse("consultations:questionnaire_codes_print", args=[questionnaire.pk])
    )
    assert printed.text.count('class="code-card"') == 30
    assert printed.text.count('class="code-sheet"') == 2
    assert "/consultations/code/" in printed.text


def test_the_paper_questionnaire(client, questionnaire, facilitator):
    QuestionFactory(questionnaire=questionnaire, kind="ranking", choices=["A", "B"], position=9)
    client.force_login(facilitator)
    page = client.get(reverse("consultations:questionnaire_paper", args=[questionnaire.pk]))
    assert page.status_code == 200
    assert page.text.count('class="paper-question"') == 6
    assert "Cochez une case." in page.text
    assert "Autre :" in page.text


def test_the_paper_questionnaire_as_pdf(client, questionnaire, facilitator):
    client.force_login(facilitator)
    try:
        pdf_from_html("<p>test</p>")
    except PdfUnavailable:
        response = client.get(
            reverse("consultations:questionnaire_paper_pdf", args=[questionnaire.pk])
        )
        assert response.status_code == 302
        return
    response = client.get(reverse("consultations:questionnaire_paper_pdf", args=[questionnaire.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_part_on_the_consultation_page(
    client, questionnaire, facilitator, django_assert_max_num_queries
):
    page = client.get(questionnaire.consultation.get_absolute_url())
    assert questionnaire.title in page.text
    assert "Répondre au questionnaire" in page.text
    assert "Préparer" not in page.text
    client.force_login(facilitator)
    page = client.get(questionnaire.consultation.get_absolute_url())
    assert "Préparer" in page.text
    assert "Créer un questionnaire" in page.text


def test_personal_data_is_collected_and_forgotten(questionnaire):
    user = UserFactory()
    response_submit(
        questionnaire=questionnaire,
        answers=[AnswerInput(question=questionnaire.questions.first(), value="Lavoirs")],
        user=user,
    )
    data = account_data(user=user)
    (entry,) = data["questionnaire_responses"]
    assert entry["questionnaire"] == questionnaire.title
    assert entry["answers"][0]["value"] == "Lavoirs"
    account_delete(user=user)
    (kept,) = Response.objects.all()
    assert kept.user is None and kept.counted_at is not None
    assert questionnaire.tallies.get(area="").count == 1
