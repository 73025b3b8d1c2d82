"""Counting a response locks its count rows in one order, the same for every response:
two responses counted at the same moment can wait for each other, never deadlock.

The threaded test is meant for PostgreSQL (`DATABASE_URL=postgres://…`), where rows are
locked one by one; on SQLite every write transaction is already alone, and it checks
the counts all the same.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from tissage.consultations.models import AnswerTally, Question, ResponseTally
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    response_submit,
    tallies_rebuild,
)
from tissage.core.tests.factories import CommuneFactory, UserFactory

from ..questionnaires.factories import QuestionFactory, QuestionnaireFactory

CHOICES = ["Lavoirs", "Chapelles", "Moulins", "Ponts", "Fontaines", "Fours"]


def _questions():  # type: ignore[no-untyped-def]
    item = QuestionnaireFactory()
    multiple = QuestionFactory(
        questionnaire=item, kind=Question.Kind.MULTIPLE_CHOICE, choices=CHOICES, position=0
    )
    ranking = QuestionFactory(
        questionnaire=item, kind=Question.Kind.RANKING, choices=CHOICES[:4], position=1
    )
    scale = QuestionFactory(questionnaire=item, kind=Question.Kind.SCALE, position=2)
    return item, multiple, ranking, scale


def _answers(number: int, multiple, ranking, scale) -> list[AnswerInput]:  # type: ignore[no-untyped-def]
    # Overlapping options, picked in an order of each respondent's own.
    shift = number % len(CHOICES)
    picked = (CHOICES[shift:] + CHOICES[:shift])[: 2 + number % 4]
    if number % 2:
        picked.reverse()
    ranked = CHOICES[:4][number % 4 :] + CHOICES[:4][: number % 4]
    return [
        AnswerInput(question=multiple, value=picked),
        AnswerInput(question=ranking, value=ranked),
        AnswerInput(question=scale, value=1 + number % 5),
    ]


@pytest.mark.django_db
def test_the_count_rows_are_locked_in_key_order_before_they_change():
    item, multiple, ranking, scale = _questions()
    commune = CommuneFactory()
    # A first response makes the rows; the second only changes them.
    response_submit(
        questionnaire=item, answers=_answers(1, multiple, ranking, scale), user=UserFactory()
    )
    with CaptureQueriesContext(connection) as captured:
        response_submit(
            questionnaire=item,
            answers=_answers(3, multiple, ranking, scale),
            user=UserFactory(),
            commune=commune,
        )
    sql = [query["sql"] for query in captured.captured_queries]
    updates = [
        i
        for i, s in enumerate(sql)
        if re.match(r'UPDATE "consultations_(answer|response)tally"', s)
    ]
    assert len(updates) == 2
    for table, ordering in (
        ("responsetally", '"area"'),
        ("answertally", '"question_id" ASC, "consultations_answertally"."option" ASC'),
    ):
        update = next(i for i in updates if f"consultations_{table}" in sql[i].split(" SET")[0])
        locks = [
            i
            for i, s in enumerate(sql[:update])
            if s.startswith("SELECT") and f'FROM "consultations_{table}"' in s and "ORDER BY" in s
        ]
        assert locks, f"the {table} rows are not locked before their update"
        if connection.features.has_select_for_update:
            assert "FOR UPDATE" in sql[locks[-1]]
        assert ordering.split(" ")[0] in sql[locks[-1]].split("ORDER BY")[1]


def test_many_respondents_at_once_never_deadlock(transactional_db):
    item, multiple, ranking, scale = _questions()
    communes = [CommuneFactory() for _ in range(3)]
    people = 24
    users = [UserFactory() for _ in range(people)]
    start = threading.Barrier(people)
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                response_submit(
                    questionnaire=item,
                    answers=_answers(number + round_, multiple, ranking, scale),
                    # An account answers once: the other rounds are paper answers.
                    user=users[number] if round_ == 0 else None,
                    entered_by=users[number] if round_ else None,
                    commune=communes[(number + round_) % 3] if (number + round_) % 4 else None,
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert ResponseTally.objects.get(questionnaire=item, area="").count == people * 3
    fields = ("question_id", "option", "area", "count")
    kept = set(AnswerTally.objects.filter(count__gt=0).values_list(*fields))
    areas = set(ResponseTally.objects.filter(questionnaire=item).values_list("area", "count"))
    # Counted again from the answers, one by one: the same counts.
    assert tallies_rebuild(questionnaire=item) == people * 3
    assert set(AnswerTally.objects.filter(count__gt=0).values_list(*fields)) == kept
    assert (
        set(ResponseTally.objects.filter(questionnaire=item).values_list("area", "count")) == areas
    )
