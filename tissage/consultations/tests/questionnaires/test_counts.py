"""The counts the results page reads are kept right in the response's transaction, even
when many people answer at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from tissage.consultations.models import AnswerTally, Question, ResponseTally
from tissage.consultations.models.questionnaires import ANSWERED, NO_COMMUNE
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    response_submit,
    tallies_rebuild,
)
from tissage.core.tests.factories import CommuneFactory, UserFactory

from .factories import QuestionFactory, QuestionnaireFactory


def count(question, option, area=""):  # type: ignore[no-untyped-def]
    row = AnswerTally.objects.filter(question=question, option=option, area=area).first()
    return row.count if row else 0


@pytest.mark.django_db
def test_counts_per_option_and_commune(questionnaire):
    nimes, uzes = CommuneFactory(), CommuneFactory()
    choice, multiple, scale, text = questionnaire.questions.all()
    for commune, pick, level in [
        (nimes, "Lavoirs", 5),
        (nimes, "Moulins", 3),
        (uzes, "Lavoirs", 5),
        (None, "Chapelles", 1),
    ]:
        response_submit(
            questionnaire=questionnaire,
            answers=[
                AnswerInput(question=choice, value=pick),
                AnswerInput(question=multiple, value=["Ponts"]),
                AnswerInput(question=scale, value=level),
                AnswerInput(question=text, text=""),
            ],
            user=UserFactory(),
            commune=commune,
        )
    assert count(choice, "Lavoirs") == 2
    assert count(choice, "Lavoirs", nimes.insee_code) == 1
    assert count(choice, "Moulins", nimes.insee_code) == 1
    assert count(choice, "Chapelles", NO_COMMUNE) == 1
    assert count(scale, "5") == 2
    assert count(multiple, ANSWERED) == 4
    # An empty text is no answer.
    assert count(text, ANSWERED) == 0
    tallies = dict(
        ResponseTally.objects.filter(questionnaire=questionnaire).values_list("area", "count")
    )
    assert tallies == {"": 4, nimes.insee_code: 2, uzes.insee_code: 1, NO_COMMUNE: 1}

    # Counting again from the answers gives the same counts.
    fields = ("question_id", "option", "area", "count")
    kept = set(AnswerTally.objects.filter(count__gt=0).values_list(*fields))
    assert tallies_rebuild(questionnaire=questionnaire) == 4
    assert set(AnswerTally.objects.filter(count__gt=0).values_list(*fields)) == kept
    rebuilt = ResponseTally.objects.filter(questionnaire=questionnaire)
    assert dict(rebuilt.values_list("area", "count")) == tallies


def test_twenty_answers_at_once_are_all_counted(transactional_db):
    item = QuestionnaireFactory()
    question = QuestionFactory(questionnaire=item, kind=Question.Kind.CHOICE, choices=["A", "B"])
    scale = QuestionFactory(questionnaire=item, kind=Question.Kind.SCALE)
    users = [UserFactory() for _ in range(20)]
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            start.wait()
            response_submit(
                questionnaire=item,
                answers=[
                    AnswerInput(question=question, value="AB"[number % 2]),
                    AnswerInput(question=scale, value=3),
                ],
                user=users[number],
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert count(question, "A") == count(question, "B") == 10
    assert count(scale, "3") == 20
    assert ResponseTally.objects.get(questionnaire=item, area="").count == 20
