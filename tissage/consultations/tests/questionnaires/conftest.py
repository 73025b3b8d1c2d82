"""A questionnaire of every kind of question, shared by the questionnaires' tests."""

from __future__ import annotations

import pytest

from tissage.consultations.models import Question

from .factories import QuestionFactory, QuestionnaireFactory


@pytest.fixture
def questionnaire(consultation):
    """A published questionnaire open to anyone, of the open `consultation`, with a
    single choice (with "other"), a multiple choice, a scale and a short text."""
    item = QuestionnaireFactory(consultation=consultation)
    QuestionFactory(
        questionnaire=item,
        label="Quel patrimoine protéger d’abord ?",
        kind=Question.Kind.CHOICE,
        choices=["Lavoirs", "Chapelles", "Moulins"],
        allow_other=True,
        required=True,
        position=0,
    )
    QuestionFactory(
        questionnaire=item,
        label="Que visitez-vous ?",
        kind=Question.Kind.MULTIPLE_CHOICE,
        choices=["Églises", "Ponts", "Fontaines"],
        position=1,
    )
    QuestionFactory(
        questionnaire=item,
        label="Votre intérêt",
        kind=Question.Kind.SCALE,
        scale_min=1,
        scale_max=5,
        scale_min_label="aucun",
        scale_max_label="très grand",
        position=2,
    )
    QuestionFactory(questionnaire=item, label="Un souvenir ?", kind=Question.Kind.TEXT, position=3)
    return item


def answers_data(questionnaire, **overrides):  # type: ignore[no-untyped-def]
    """POST data answering the `questionnaire` fixture's questions."""
    q = {question.kind: question for question in questionnaire.questions.all()}
    data = {
        q["choice"].field_name: "Lavoirs",
        q["multiple_choice"].field_name: ["Églises", "Ponts"],
        q["scale"].field_name: "4",
        q["text"].field_name: "Le lavoir de mon enfance",
    }
    data.update(overrides)
    return data
