"""factory_boy factories of the questionnaires' tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tissage.consultations.models import AccessCode, Question, Questionnaire
from tissage.consultations.models.questionnaires import code_new

from ..factories import ConsultationFactory


class QuestionnaireFactory(DjangoModelFactory):
    """A published questionnaire open to anyone, of an open consultation."""

    class Meta:
        model = Questionnaire

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Questionnaire {n}")
    intro = "Quelques questions sur le patrimoine."
    published = True


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    label = factory.Sequence(lambda n: f"Question {n} ?")
    kind = Question.Kind.TEXT
    position = factory.Sequence(lambda n: n)


class AccessCodeFactory(DjangoModelFactory):
    class Meta:
        model = AccessCode

    questionnaire = factory.SubFactory(QuestionnaireFactory, audience=Questionnaire.Audience.CODES)
    code = factory.LazyFunction(code_new)
