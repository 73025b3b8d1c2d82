"""Paper access codes: made by a facilitator, typed by whoever holds one, accepted once,
even when two people send the same code at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.urls import reverse

from tissage.consultations.models import AccessCode, Question, Questionnaire, Response
from tissage.consultations.models.questionnaires import CODE_ALPHABET, CODE_LENGTH
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    CodeRefused,
    codes_generate,
    response_submit,
)
from tissage.core.tests.factories import UserFactory

from .factories import AccessCodeFactory, QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(consultation):  # type: ignore[no-untyped-def]
    item = QuestionnaireFactory(consultation=consultation, audience=Questionnaire.Audience.CODES)
    QuestionFactory(questionnaire=item, kind=Question.Kind.TEXT, label="Votre idée ?")
    return item


def test_codes_are_unique_short_and_unambiguous(coded):
    made = codes_generate(questionnaire=coded, count=100)
    assert len({c.code for c in made}) == 100 == coded.codes.count()
    for code in made:
        assert len(code.code) == CODE_LENGTH
        assert set(code.code) <= set(CODE_ALPHABET)
        assert not set(code.code) & set("0O1IL2Z5S8BQ")


def test_the_code_page_leads_to_the_questionnaire(client, coded):
    code = AccessCodeFactory(questionnaire=coded)
    typed = f" {code.code[:4].lower()}-{code.code[4:]} "
    response = client.post(reverse("consultations:code"), {"code": typed})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'value="{code.shown}"' in page.text
    question = coded.questions.get()
    sent = client.post(response["Location"], {"code": code.shown, question.field_name: "Un verger"})
    assert sent.status_code == 302
    code.refresh_from_db()
    assert code.used_at is not None
    assert code.response.answers.get().text == "Un verger"
    assert code.response.user is None


def test_a_paper_code_answers_a_questionnaire_open_to_anyone_without_an_address(
    client, consultation
):
    """The printed sheet says "answer at …/code/": a code of a questionnaire open to
    anyone must work there too, without asking the holder for an address."""
    item = QuestionnaireFactory(consultation=consultation, audience=Questionnaire.Audience.ANYONE)
    question = QuestionFactory(questionnaire=item, kind=Question.Kind.TEXT, label="Votre idée ?")
    code = AccessCodeFactory(questionnaire=item)
    response = client.post(reverse("consultations:code"), {"code": code.code})
    page = client.get(response["Location"])
    assert f'value="{code.shown}"' in page.text
    assert 'name="email"' not in page.text
    sent = client.post(response["Location"], {"code": code.shown, question.field_name: "Un lavoir"})
    assert sent.status_code == 302
    code.refresh_from_db()
    assert code.used_at is not None and code.response.counted_at is not None
    # Without a code, the same questionnaire asks a guest for an address, as before.
    assert 'name="email"' in client.get(reverse("consultations:questionnaire", args=[item.pk])).text


@pytest.mark.parametrize("typed", ["", "ABCD", "ACDEFGH3"])
def test_an_unknown_code_is_an_error(client, coded, typed):
    response = client.post(reverse("consultations:code"), {"code": typed})
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.text


def test_a_used_code_is_refused_on_both_pages(client, coded):
    code = AccessCodeFactory(questionnaire=coded)
    question = coded.questions.get()
    url = reverse("consultations:questionnaire", args=[coded.pk])
    assert client.post(url, {"code": code.code, question.field_name: "A"}).status_code == 302
    again = client.post(url, {"code": code.code, question.field_name: "B"})
    assert again.status_code == 400
    assert "déjà servi" in again.text
    assert "déjà servi" in client.post(reverse("consultations:code"), {"code": code.code}).text
    assert Response.objects.count() == 1


def test_a_code_of_another_questionnaire_is_refused(client, coded):
    other = AccessCodeFactory()
    question = coded.questions.get()
    url = reverse("consultations:questionnaire", args=[coded.pk])
    response = client.post(url, {"code": other.code, question.field_name: "A"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_a_code_questionnaire_needs_a_code_even_signed_in(client, coded):
    client.force_login(UserFactory())
    question = coded.questions.get()
    url = reverse("consultations:questionnaire", args=[coded.pk])
    response = client.post(url, {question.field_name: "A"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_the_service_refuses_a_used_code_and_keeps_nothing(coded):
    code = AccessCodeFactory(questionnaire=coded)
    question = coded.questions.get()
    answers = [AnswerInput(question=question, text="A")]
    response_submit(questionnaire=coded, answers=answers, code=code.code)
    with pytest.raises(CodeRefused):
        response_submit(questionnaire=coded, answers=answers, code=code.code)
    assert Response.objects.count() == 1


def test_a_code_sent_twice_at_once_is_accepted_once(transactional_db):
    """Ten sendings of one code at the same moment: one response, nine refusals. Runs
    on the test database in use (SQLite by default; PostgreSQL with DATABASE_URL)."""
    coded = QuestionnaireFactory(audience=Questionnaire.Audience.CODES)
    question = QuestionFactory(questionnaire=coded, kind=Question.Kind.TEXT)
    code = AccessCodeFactory(questionnaire=coded)
    start = threading.Barrier(10)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            start.wait()
            response_submit(
                questionnaire=coded,
                answers=[AnswerInput(question=question, text=f"réponse {number}")],
                code=code.code,
            )
            outcomes.append("accepted")
        except CodeRefused:
            outcomes.append("refused")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(outcomes) == ["accepted"] + ["refused"] * 9
    assert Response.objects.filter(questionnaire=coded).count() == 1
    code = AccessCode.objects.get(pk=code.pk)
    assert code.response is not None
    assert code.response.answers.count() == 1
