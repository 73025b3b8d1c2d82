"""`tissage purge` forgets guests' questionnaire answers never confirmed once their link
has expired (their address is not kept for nothing), as it does proposals and supports;
what counts, or may still count, stays."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tissage.consultations.models import Answer, AnswerTally, Response
from tissage.consultations.questionnaires.services import (
    AnswerInput,
    response_confirm,
    response_submit,
)
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _answer(questionnaire, *, email="", user=None, days_ago=0):  # type: ignore[no-untyped-def]
    choice = questionnaire.questions.get(kind="choice")
    text = questionnaire.questions.get(kind="text")
    response = response_submit(
        questionnaire=questionnaire,
        answers=[
            AnswerInput(question=choice, value="Lavoirs"),
            AnswerInput(question=text, text="x"),
        ],
        email=email,
        user=user,
    )
    Response.objects.filter(pk=response.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return response


def test_purge_forgets_stale_unconfirmed_answers_only(questionnaire):
    stale = _answer(questionnaire, email="old@example.org", days_ago=8)
    fresh = _answer(questionnaire, email="new@example.org", days_ago=6)
    confirmed = _answer(questionnaire, email="yes@example.org", days_ago=30)
    response_confirm(response=confirmed)
    member = _answer(questionnaire, user=UserFactory(), days_ago=30)
    counts = set(AnswerTally.objects.values_list("question_id", "option", "area", "count"))

    call_command("purge", stdout=io.StringIO())

    assert set(Response.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk, member.pk}
    assert not Answer.objects.filter(response_id=stale.pk).exists()
    assert set(AnswerTally.objects.values_list("question_id", "option", "area", "count")) == counts
    # Again: nothing more.
    call_command("purge", stdout=io.StringIO())
    assert Response.objects.count() == 3


def test_purge_removes_the_photos_of_the_answers_it_forgets(
    questionnaire, media, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    stale = _answer(questionnaire, email="old@example.org", days_ago=8)
    answer = Answer.objects.filter(response=stale).first()
    answer.photo.save("souvenir.webp", ContentFile(b"RIFF"), save=True)
    path = answer.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", stdout=io.StringIO())
    assert not Response.objects.filter(pk=stale.pk).exists()
    import os

    assert not os.path.exists(path)
