"""A guest's emailed link confirms nothing by being opened (mail scanners open links):
the page asks for a button, a POST, for an answer to a questionnaire as for a proposal or
a support; a forged or altered link is a link problem, never a 500."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tissage.consultations.models import Response

from ..questionnaires.conftest import answers_data

pytestmark = pytest.mark.django_db


def _link(client, questionnaire, django_capture_on_commit_callbacks) -> str:  # type: ignore[no-untyped-def]
    data = answers_data(questionnaire, email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/consultations/questionnaires/{questionnaire.pk}/", data)
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/questionnaires/confirmer/\S+/", message.body).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_opening_the_answer_link_asks_for_a_button_and_counts_nothing(
    client, questionnaire, django_capture_on_commit_callbacks
):
    path = _link(client, questionnaire, django_capture_on_commit_callbacks)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmez votre réponse" in page.text
    assert '<form method="post">' in page.text
    assert Response.objects.get().counted_at is None
    assert client.post(path).status_code == 302
    assert Response.objects.get().counted_at is not None


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_altered_answer_link_is_a_link_problem(
    client, questionnaire, django_capture_on_commit_callbacks, method
):
    path = _link(client, questionnaire, django_capture_on_commit_callbacks)
    token = path.rstrip("/").rsplit("/", 1)[1]
    altered = path.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))
    assert getattr(client, method)(altered).status_code == 400
    assert Response.objects.get().counted_at is None
