"""The lists not yet measured elsewhere read a fixed number of queries, whatever their
length: the consultation page (its questionnaires, map and proposals parts), the free
text to moderate, the export of the answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.models import Question
from tissage.consultations.questionnaires.services import AnswerInput, response_submit
from tissage.core.tests.factories import CommuneFactory, UserFactory

from ..factories import CategoryFactory, ProposalFactory
from ..questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


def _consultation_with(consultation, size: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(size):
        item = QuestionnaireFactory(consultation=consultation, published=n % 3 != 0)
        QuestionFactory(questionnaire=item)
        ProposalFactory(
            consultation=consultation,
            category=CategoryFactory(consultation=consultation),
            longitude=4.4 + n / 1000,
            latitude=44.7,
        )


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("who", ["anonymous", "facilitator"])
def test_the_consultation_page_reads_a_fixed_number_of_queries(
    client, consultation, facilitator, django_assert_max_num_queries, size, who
):
    _consultation_with(consultation, size)
    if who == "facilitator":
        client.force_login(facilitator)
    with django_assert_max_num_queries(22):
        response = client.get(consultation.get_absolute_url())
    assert response.status_code == 200
    assert response.text.count("consultations/questionnaires/") >= size * 2 // 3


def _answered(questionnaire, size: int) -> None:  # type: ignore[no-untyped-def]
    text = QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.TEXT, position=0)
    choice = QuestionFactory(
        questionnaire=questionnaire,
        kind=Question.Kind.CHOICE,
        choices=["Oui", "Non"],
        allow_other=True,
        position=1,
    )
    communes = [CommuneFactory() for _ in range(3)]
    for n in range(size):
        response_submit(
            questionnaire=questionnaire,
            answers=[
                AnswerInput(question=text, text=f"Souvenir {n}"),
                AnswerInput(question=choice, value=None, text=f"Autre {n}"),
            ],
            user=UserFactory(),
            commune=communes[n % 3],
        )


@pytest.mark.parametrize("size", [3, 30])
def test_the_free_text_to_moderate_reads_a_fixed_number_of_queries(
    client, consultation, facilitator, django_assert_max_num_queries, size
):
    questionnaire = QuestionnaireFactory(consultation=consultation)
    _answered(questionnaire, size)
    client.force_login(facilitator)
    url = reverse("consultations:questionnaire_moderation", args=[questionnaire.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Souvenir") == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_export_reads_a_fixed_number_of_queries(
    client, consultation, facilitator, django_assert_max_num_queries, size
):
    questionnaire = QuestionnaireFactory(consultation=consultation)
    _answered(questionnaire, size)
    client.force_login(facilitator)
    url = reverse("consultations:questionnaire_export", args=[questionnaire.pk, "csv"])
    with django_assert_max_num_queries(14):
        response = client.get(url)
        body = b"".join(response.streaming_content).decode()
    assert body.count("Souvenir") == size
