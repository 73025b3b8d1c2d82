"""The results page (counts, percentages, charts with their tables, the commune filter,
moderated free text), its number of queries at two sizes, moderation, and the exports
read back as spreadsheets read them."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tissage.consultations.models import Answer, Question
from tissage.consultations.questionnaires.services import AnswerInput, response_submit
from tissage.core.tests.factories import CommuneFactory, UserFactory

from .factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

# Signed in, five more: the session, the person, their two roles, their unread
# notifications.
FACILITATOR_QUERIES = 9


def answer(questionnaire, *, pick="Lavoirs", level=4, text="", commune=None, other=""):  # type: ignore[no-untyped-def]
    choice, multiple, scale, free = questionnaire.questions.all()
    return response_submit(
        questionnaire=questionnaire,
        answers=[
            AnswerInput(question=choice, value=pick, text=other),
            AnswerInput(question=multiple, value=["Ponts"]),
            AnswerInput(question=scale, value=level),
            AnswerInput(question=free, text=text),
        ],
        user=UserFactory(),
        commune=commune,
    )


def results_url(questionnaire, **query):  # type: ignore[no-untyped-def]
    url = reverse("consultations:questionnaire_results", args=[questionnaire.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_counts_and_percentages_with_an_accessible_chart(client, questionnaire, facilitator):
    for pick in ["Lavoirs", "Lavoirs", "Lavoirs", "Moulins"]:
        answer(questionnaire, pick=pick)
    client.force_login(facilitator)
    page = client.get(results_url(questionnaire))
    assert page.status_code == 200
    assert "4 réponses." in page.text
    assert "<td>3</td><td>75.0 %</td>" in page.text or "<td>3</td><td>75,0 %</td>" in page.text
    assert 'role="img"' in page.text
    assert "<title id=" in page.text and "<desc id=" in page.text
    assert "<caption" in page.text
    assert "moyenne 4" in page.text


def test_the_commune_filter(client, questionnaire, facilitator):
    nimes, uzes = CommuneFactory(), CommuneFactory()
    answer(questionnaire, pick="Lavoirs", commune=nimes)
    answer(questionnaire, pick="Moulins", commune=uzes)
    answer(questionnaire, pick="Moulins", commune=uzes)
    client.force_login(facilitator)
    page = client.get(results_url(questionnaire, commune=uzes.insee_code))
    assert page.status_code == 200
    assert f"2 réponses de {uzes.name}" in page.text
    bad = client.get(results_url(questionnaire, commune="99999"))
    assert bad.status_code == 400
    assert 'id="id_commune_error"' in bad.text


def test_free_text_shows_only_once_published(client, questionnaire, facilitator):
    answer(questionnaire, text="Le lavoir de mon enfance")
    answer(questionnaire, text="Un texte à garder pour soi")
    questionnaire.results_public = True
    questionnaire.save()
    assert "Le lavoir de mon enfance" not in client.get(results_url(questionnaire)).text

    client.force_login(facilitator)
    moderation = reverse("consultations:questionnaire_moderation", args=[questionnaire.pk])
    page = client.get(moderation)
    assert "Le lavoir de mon enfance" in page.text
    first, second = Answer.objects.exclude(text="").order_by("pk")
    assert (
        client.post(moderation, {"answers": [first.pk], "decision": "publish"}).status_code == 302
    )
    assert (
        client.post(moderation, {"answers": [second.pk], "decision": "private"}).status_code == 302
    )
    assert client.post(moderation, {"answers": [], "decision": "publish"}).status_code == 400
    assert client.post(moderation, {"answers": [first.pk], "decision": "burn"}).status_code == 400
    client.logout()
    text = client.get(results_url(questionnaire)).text
    assert "Le lavoir de mon enfance" in text
    assert "Un texte à garder pour soi" not in text


@pytest.mark.parametrize("size", [3, 30])
def test_the_results_page_needs_the_same_queries_at_any_size(
    client, questionnaire, facilitator, size, django_assert_num_queries
):
    communes = [CommuneFactory() for _ in range(3)]
    for n in range(size):
        answer(questionnaire, commune=communes[n % 3], text=f"texte {n}")
    Answer.objects.exclude(text="").update(moderation=Answer.Moderation.PUBLISHED)
    questionnaire.results_public = True
    questionnaire.save()
    # Anonymous: the questionnaire, the communes answered, the questions, then one for
    # the counts and every question's free text (`results_of`). A commune question's
    # names are those already read.
    with django_assert_num_queries(4):
        page = client.get(results_url(questionnaire))
    assert page.status_code == 200
    assert f"texte {size - 1}" in page.text
    client.force_login(facilitator)
    with django_assert_num_queries(FACILITATOR_QUERIES):
        page = client.get(results_url(questionnaire))
    assert page.status_code == 200
    with django_assert_num_queries(FACILITATOR_QUERIES):
        page = client.get(results_url(questionnaire, commune=communes[0].insee_code))
    assert page.status_code == 200


def test_the_export_is_anonymised_and_read_back(client, questionnaire, facilitator):
    commune = CommuneFactory()
    answer(questionnaire, text="Publié", commune=commune)
    answer(questionnaire, text="Pas lu", pick=None, other="Les fours")
    Answer.objects.filter(text="Publié").update(moderation=Answer.Moderation.PUBLISHED)
    questionnaire.results_public = True
    questionnaire.save()
    url = lambda fmt: reverse("consultations:questionnaire_export", args=[questionnaire.pk, fmt])  # noqa: E731

    data = b"".join(client.get(url("csv")).streaming_content)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, first, second = rows
    assert header[:4] == ["Réponse", "Date", "Commune", "Saisie depuis le papier"]
    assert first[0] == "1" and first[2] == commune.name
    assert first[4] == "Lavoirs" and first[6] == "Ponts" and first[7] == "4"
    assert first[8] == "Publié"
    # Unread free text stays out of the public export.
    assert second[8] == "" and second[5] == ""
    for user_email in [r.user.email for r in questionnaire.responses.all()]:
        assert user_email not in data.decode("utf-8-sig")

    for fmt in ("ods", "xlsx"):
        response = client.get(url(fmt))
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        sheet = (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        )
        assert sheet[0][0] == "Réponse"
        assert len(sheet) == 3
        assert sheet[1][8] == "Publié"

    # Who runs the questionnaire gets every text, still without names.
    client.force_login(facilitator)
    data = b"".join(client.get(url("csv")).streaming_content).decode("utf-8-sig")
    assert "Pas lu" in data and "Les fours" in data
    assert facilitator.email not in data


BLOCK = "consultations/questionnaires/_result.html"


def blocks_rendered(page) -> int:  # type: ignore[no-untyped-def]
    return [template.name for template in page.templates].count(BLOCK)


def test_each_questions_block_is_kept_until_what_it_shows_changes(
    client, questionnaire, facilitator
):
    answer(questionnaire, pick="Lavoirs")
    client.force_login(facilitator)
    first = client.get(results_url(questionnaire))
    assert blocks_rendered(first) == 4
    again = client.get(results_url(questionnaire))
    assert blocks_rendered(again) == 0
    assert "Lavoirs : 1 (100\u00a0%)" in again.text
    # A new response changes the counts: the blocks that show them are rendered again.
    answer(questionnaire, pick="Moulins", level=2)
    changed = client.get(results_url(questionnaire))
    assert 0 < blocks_rendered(changed) <= 4
    assert "Lavoirs : 1 (50\u00a0%)" in changed.text and "moyenne 3" in changed.text
    # So does a question's new label, even written without a save.
    questionnaire.questions.filter(kind="scale").update(label="Votre attachement")
    renamed = client.get(results_url(questionnaire))
    assert blocks_rendered(renamed) == 1
    assert "Votre attachement" in renamed.text
    # In English, the blocks are rendered in English.
    client.cookies["django_language"] = "en"
    english = client.get(results_url(questionnaire))
    assert blocks_rendered(english) == 4 and "mean 3" in english.text


def test_a_commune_questions_results_name_each_commune(
    client, consultation, django_assert_num_queries
):
    """The communes a commune question was answered with are shown by name: those the
    respondents live in are already read for the filter, the others in one more query."""
    home, elsewhere = CommuneFactory(name="Anduze"), CommuneFactory(name="Vézénobres")
    questionnaire = QuestionnaireFactory(consultation=consultation, results_public=True)
    question = QuestionFactory(
        questionnaire=questionnaire, label="Où est ce patrimoine ?", kind=Question.Kind.COMMUNE
    )

    def answered(value):  # type: ignore[no-untyped-def]
        response_submit(
            questionnaire=questionnaire,
            answers=[AnswerInput(question=question, value=value)],
            user=UserFactory(),
            commune=home,
        )

    answered(home.insee_code)
    with django_assert_num_queries(4):
        page = client.get(results_url(questionnaire))
    assert "Anduze : 1 (100" in page.text

    answered(elsewhere.insee_code)
    with django_assert_num_queries(5):
        page = client.get(results_url(questionnaire))
    assert "Anduze : 1 (50" in page.text
    assert "Vézénobres : 1 (50" in page.text
