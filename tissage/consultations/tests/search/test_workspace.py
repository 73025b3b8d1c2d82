"""The questionnaires' part of the staff workspace: the free-text answers waiting to be
read, per questionnaire the person runs, in one query whatever their number."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.models import Answer, Question
from tissage.consultations.questionnaires.services import AnswerInput, response_submit
from tissage.consultations.questionnaires.workspace import workspace
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.consultations.tests.questionnaires.factories import (
    QuestionFactory,
    QuestionnaireFactory,
)
from tissage.core.tests.factories import ProjectMembershipFactory, UserFactory
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("dashboard:workspace")


def a_text_question(questionnaire):  # type: ignore[no-untyped-def]
    return QuestionFactory(questionnaire=questionnaire, kind=Question.Kind.TEXT)


def reply(question, text: str, *, email: str = "") -> None:  # type: ignore[no-untyped-def]
    """A response with a free-text answer: a person's, or a guest's waiting for the
    email (`email`)."""
    response_submit(
        questionnaire=question.questionnaire,
        answers=[AnswerInput(question=question, value=text, text=text)],
        user=None if email else UserFactory(),
        email=email,
    )


def test_free_text_to_read_is_counted_per_questionnaire(client, consultation, facilitator):
    heritage = QuestionnaireFactory(consultation=consultation, title="Patrimoine")
    question = a_text_question(heritage)
    reply(question, "Le lavoir de mon enfance")
    reply(question, "La chapelle")
    reply(question, "Un texte déjà lu")
    Answer.objects.filter(text="Un texte déjà lu").update(moderation=Answer.Moderation.PUBLISHED)
    reply(question, "Un invité pas encore confirmé", email="invite@example.org")
    choices = QuestionFactory(
        questionnaire=heritage, kind=Question.Kind.CHOICE, choices=["Oui", "Non"]
    )
    response_submit(
        questionnaire=heritage,
        answers=[AnswerInput(question=choices, value="Oui")],  # no text: nothing to read
        user=UserFactory(),
    )
    mobility = QuestionnaireFactory(consultation=consultation, title="Mobilités")
    reply(a_text_question(mobility), "Un bus le samedi")
    reply(a_text_question(QuestionnaireFactory()), "Un autre projet")  # not theirs
    client.force_login(facilitator)

    response = client.get(WORKSPACE)

    assert response.status_code == 200
    items = [item for group in response.context["groups"] for item in group.items]
    ours = [
        (item.count, item.label, item.url, item.detail)
        for item in items
        if "questionnaires/" in item.url
    ]
    in_consultation = (f"dans la consultation « {consultation.title} »",)
    assert ours == [
        (
            1,
            "réponse libre à lire dans « Mobilités »",
            reverse("consultations:questionnaire_moderation", args=[mobility.pk]),
            in_consultation,
        ),
        (
            2,
            "réponses libres à lire dans « Patrimoine »",
            reverse("consultations:questionnaire_moderation", args=[heritage.pk]),
            in_consultation,
        ),
    ]
    page = response.content.decode()
    assert "réponses libres à lire dans « Patrimoine »" in page
    moderation = client.get(ours[1][2])
    assert moderation.status_code == 200
    assert "Le lavoir de mon enfance" in moderation.content.decode()


def test_nothing_once_read(consultation, facilitator):
    question = a_text_question(QuestionnaireFactory(consultation=consultation))
    reply(question, "Le lavoir")
    assert [item.count for item in workspace(facilitator)] == [1]

    Answer.objects.update(moderation=Answer.Moderation.PRIVATE)

    assert workspace(facilitator) == []


def test_nothing_for_who_does_not_run_it(client, consultation, member):
    reply(a_text_question(QuestionnaireFactory(consultation=consultation)), "Le lavoir")

    assert workspace(member) == []
    assert workspace(UserFactory()) == []
    client.force_login(member)
    assert "questionnaires/" not in client.get(WORKSPACE).content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_one_query_whatever_the_data(django_assert_num_queries, size):
    user = UserFactory()
    for _ in range(size):
        consultation = ConsultationFactory()
        ProjectMembershipFactory(
            user=user, project=consultation.project, role=ProjectMembership.Role.FACILITATOR
        )
        question = a_text_question(QuestionnaireFactory(consultation=consultation))
        reply(question, "Un texte")
        reply(question, "Un autre")

    with django_assert_num_queries(1):
        items = workspace(user)

    assert [item.count for item in items] == [2] * size
