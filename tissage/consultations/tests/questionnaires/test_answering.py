"""Answering a questionnaire online: once per account or confirmed address, members
only, only while the consultation is open; each kind of question's validation."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tissage.consultations.models import Answer, AnswerTally, Question, Questionnaire, Response
from tissage.consultations.models.questionnaires import ANSWERED, OTHER
from tissage.core.tests.factories import CommuneFactory, UserFactory

from .conftest import answers_data
from .factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


def url(questionnaire):  # type: ignore[no-untyped-def]
    return reverse("consultations:questionnaire", args=[questionnaire.pk])


def tally(question, option, area=""):  # type: ignore[no-untyped-def]
    row = AnswerTally.objects.filter(question=question, option=option, area=area).first()
    return row.count if row else 0


def test_a_person_answers_once_and_the_counts_follow(client, questionnaire):
    client.force_login(UserFactory())
    page = client.get(url(questionnaire))
    assert page.status_code == 200
    assert "Quel patrimoine protéger d’abord ?" in page.text
    response = client.post(url(questionnaire), answers_data(questionnaire))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "consultations:questionnaire_thanks", args=[questionnaire.pk]
    )
    (stored,) = Response.objects.all()
    assert stored.counted_at is not None
    choice, multiple, scale, text = questionnaire.questions.all()
    assert tally(choice, "Lavoirs") == 1
    assert tally(choice, ANSWERED) == 1
    assert tally(multiple, "Églises") == tally(multiple, "Ponts") == 1
    assert tally(multiple, "Fontaines") == 0
    assert tally(scale, "4") == 1
    assert tally(text, ANSWERED) == 1
    # Answering again is refused: nothing more is stored, the page says when.
    again = client.post(url(questionnaire), answers_data(questionnaire))
    assert again.status_code == 200
    assert "Vous avez répondu" in again.text
    assert Response.objects.count() == 1
    assert tally(choice, "Lavoirs") == 1


def test_other_answers_count_as_other_and_wait_for_reading(client, questionnaire):
    client.force_login(UserFactory())
    choice = questionnaire.questions.get(kind="choice")
    data = answers_data(
        questionnaire,
        **{choice.field_name: "*other", f"{choice.field_name}_other": "Les fours à pain"},
    )
    assert client.post(url(questionnaire), data).status_code == 302
    answer = Answer.objects.get(question=choice)
    assert answer.value is None
    assert answer.text == "Les fours à pain"
    assert answer.moderation == Answer.Moderation.PENDING
    assert tally(choice, OTHER) == 1


def test_the_commune_of_the_respondent_gives_its_own_counts(client, questionnaire):
    commune = CommuneFactory()
    client.force_login(UserFactory())
    data = answers_data(questionnaire, commune=commune.insee_code)
    assert client.post(url(questionnaire), data).status_code == 302
    choice = questionnaire.questions.get(kind="choice")
    assert tally(choice, "Lavoirs", commune.insee_code) == 1
    assert tally(choice, "Lavoirs", "-") == 0
    assert Response.objects.get().commune == commune


def test_a_guest_answer_counts_once_the_address_is_confirmed(
    client, questionnaire, django_capture_on_commit_callbacks
):
    data = answers_data(questionnaire, email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(questionnaire), data)
    assert response.status_code == 302
    assert "confirmer=1" in response["Location"]
    stored = Response.objects.get()
    assert stored.counted_at is None
    choice = questionnaire.questions.get(kind="choice")
    assert tally(choice, "Lavoirs") == 0
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    link = re.search(r"https?://\S+/questionnaires/confirmer/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path).status_code == 302
    stored.refresh_from_db()
    assert stored.counted_at is not None
    assert tally(choice, "Lavoirs") == 1
    # The link opened twice counts once.
    client.post("/" + path)
    assert tally(choice, "Lavoirs") == 1

    # The same address answers again: its second answer never counts.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(questionnaire), data)
    second = mail.outbox[0]
    link = re.search(r"https?://\S+/questionnaires/confirmer/\S+/", second.body).group(0)
    page = client.post("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert "une réponse de cette adresse compte déjà" in page.text.lower()
    assert Response.objects.counted().count() == 1
    assert tally(choice, "Lavoirs") == 1


def test_a_forged_confirmation_link_is_a_link_problem(client):
    assert (
        client.get(reverse("consultations:questionnaire_confirm", args=["forged"])).status_code
        == 400
    )


def test_a_guest_must_give_an_address(client, questionnaire):
    response = client.post(url(questionnaire), answers_data(questionnaire))
    assert response.status_code == 400
    assert "adresse" in response.text
    assert not Response.objects.exists()


def test_members_only_refuses_others(client, consultation, member):
    item = QuestionnaireFactory(consultation=consultation, audience=Questionnaire.Audience.MEMBERS)
    question = QuestionFactory(questionnaire=item, kind=Question.Kind.TEXT)
    data = {question.field_name: "Oui"}
    assert client.post(url(item), data)["Location"].startswith("/compte/connexion/")
    client.force_login(UserFactory())
    assert client.post(url(item), data).status_code == 403
    assert "membres" in client.get(url(item)).text
    client.force_login(member)
    assert client.post(url(item), data).status_code == 302
    assert Response.objects.get().user == member


def test_a_closed_consultation_takes_no_answer(client, questionnaire):
    consultation = questionnaire.consultation
    consultation.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    consultation.save()
    client.force_login(UserFactory())
    assert client.post(url(questionnaire), answers_data(questionnaire)).status_code == 403
    assert "ne prend pas de réponses" in client.get(url(questionnaire)).text
    assert not Response.objects.exists()


def test_an_unpublished_questionnaire_is_hidden(client, questionnaire):
    questionnaire.published = False
    questionnaire.save()
    client.force_login(UserFactory())
    assert client.get(url(questionnaire)).status_code == 404
    assert client.post(url(questionnaire), answers_data(questionnaire)).status_code == 404


# Each kind of question ------------------------------------------------------------------------


def one_question(consultation, **fields):  # type: ignore[no-untyped-def]
    item = QuestionnaireFactory(consultation=consultation)
    return item, QuestionFactory(questionnaire=item, required=True, **fields)


def post_one(client, item, data, files=None):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    return client.post(url(item), {**data, **(files or {})})


@pytest.mark.parametrize(
    ("fields", "value", "stored"),
    [
        ({"kind": "text"}, "Un lavoir", None),
        ({"kind": "long_text"}, "Un long texte\nsur deux lignes", None),
        ({"kind": "number"}, "12,5", 12.5),
        ({"kind": "date"}, "2026-05-01", "2026-05-01"),
        ({"kind": "choice", "choices": ["A", "B"]}, "B", "B"),
        ({"kind": "scale", "scale_min": 0, "scale_max": 10}, "7", 7),
    ],
)
def test_each_kind_stores_its_answer(client, consultation, fields, value, stored):
    item, question = one_question(consultation, **fields)
    assert post_one(client, item, {question.field_name: value}).status_code == 302
    answer = Answer.objects.get()
    if stored is None:
        assert answer.text == value.replace("\r", "")
    else:
        assert answer.value == stored


@pytest.mark.parametrize(
    ("fields", "value"),
    [
        ({"kind": "text"}, ""),
        ({"kind": "number"}, "douze"),
        ({"kind": "date"}, "2026-13-45"),
        ({"kind": "choice", "choices": ["A", "B"]}, "C"),
        ({"kind": "multiple_choice", "choices": ["A", "B"]}, "C"),
        ({"kind": "scale", "scale_min": 1, "scale_max": 5}, "9"),
        ({"kind": "commune"}, "Ville-qui-n-existe-pas"),
    ],
)
def test_bad_answers_are_errors_next_to_the_question(client, consultation, fields, value):
    item, question = one_question(consultation, **fields)
    response = post_one(client, item, {question.field_name: value})
    assert response.status_code == 400
    assert f'id="id_{question.field_name}_error"' in response.text
    assert not Response.objects.exists()


def test_a_ranking_needs_each_position_once(client, consultation):
    item, question = one_question(consultation, kind="ranking", choices=["A", "B", "C"])
    name = question.field_name
    bad = post_one(client, item, {f"{name}_r0": "1", f"{name}_r1": "1", f"{name}_r2": "2"})
    assert bad.status_code == 400
    assert "position différente" in bad.text
    good = post_one(client, item, {f"{name}_r0": "2", f"{name}_r1": "3", f"{name}_r2": "1"})
    assert good.status_code == 302
    assert Answer.objects.get().value == ["C", "A", "B"]
    # Borda points: first of three gets 3.
    assert tally(question, "C") == 3
    assert tally(question, "A") == 2
    assert tally(question, "B") == 1


def test_a_place_is_typed_as_coordinates(client, consultation):
    item, question = one_question(consultation, kind="place")
    name = question.field_name
    half = post_one(client, item, {f"{name}_longitude": "4.36"})
    assert half.status_code == 400
    good = post_one(client, item, {f"{name}_longitude": "4.3601", f"{name}_latitude": "43.8374"})
    assert good.status_code == 302
    assert Answer.objects.get().value == [4.3601, 43.8374]


def test_a_commune_is_typed_by_name_or_code(client, consultation):
    commune = CommuneFactory()
    item, question = one_question(consultation, kind="commune")
    assert post_one(client, item, {question.field_name: commune.insee_code}).status_code == 302
    assert Answer.objects.get().value == commune.insee_code
    assert tally(question, commune.insee_code) == 1


def test_a_photo_must_be_a_picture(client, consultation, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    item, question = one_question(consultation, kind="photo")
    fake = SimpleUploadedFile("photo.jpg", b"not a picture", content_type="image/jpeg")
    response = post_one(client, item, {question.field_name: fake})
    assert response.status_code == 400
    assert not Response.objects.exists()
