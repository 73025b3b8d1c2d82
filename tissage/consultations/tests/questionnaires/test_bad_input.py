"""Bad input never answers 500: addresses, query strings, forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.consultations.models import Response
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/consultations/questionnaires/99999999999999999999999/",
        "/consultations/questionnaires/0/resultats/",
        "/consultations/questionnaires/123/reponses.csv",
        "/consultations/questionnaires/questions/99999999999999999999999/",
    ],
)
def test_addresses_naming_nothing_are_not_found(client, path, facilitator):
    client.force_login(facilitator)
    assert client.get(path).status_code == 404


def test_garbage_in_the_answer_form_is_an_error(client, questionnaire):
    client.force_login(UserFactory())
    choice, multiple, scale, text = questionnaire.questions.all()
    data = {
        choice.field_name: "\x00" * 5,
        multiple.field_name: ["x" * 5000],
        scale.field_name: "1e999",
        text.field_name: "x" * 10_000,
        "commune": "\u202e" * 300,
    }
    response = client.post(reverse("consultations:questionnaire", args=[questionnaire.pk]), data)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_garbage_codes_and_filters(client, questionnaire, facilitator):
    assert client.post(reverse("consultations:code"), {"code": "é" * 500}).status_code == 400
    client.force_login(facilitator)
    results = reverse("consultations:questionnaire_results", args=[questionnaire.pk])
    assert client.get(results, {"commune": "\x00"}).status_code == 400
    moderation = reverse("consultations:questionnaire_moderation", args=[questionnaire.pk])
    assert client.post(moderation, {"answers": ["x"], "decision": "publish"}).status_code == 400
    codes = reverse("consultations:questionnaire_codes", args=[questionnaire.pk])
    assert client.post(codes, {"count": "many"}).status_code == 400
