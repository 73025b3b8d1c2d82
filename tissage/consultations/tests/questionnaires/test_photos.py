"""A questionnaire's photo question goes through the one picture pipeline
(`core.photos.PhotoField`): no metadata kept, too many pixels refused before decoding
(listed in core/tests/test_every_file_field.py's MODEL_FILE_FIELDS)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tissage.consultations.models import Answer, Question, Response
from tissage.core.tests.factories import UserFactory
from tissage.core.tests.pictures import assert_no_metadata, jpeg_with_everything

from .factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo_question(consultation, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    item = QuestionnaireFactory(consultation=consultation)
    return QuestionFactory(questionnaire=item, kind=Question.Kind.PHOTO, required=True)


def post(client, question, name, content):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory())
    url = reverse("consultations:questionnaire", args=[question.questionnaire_id])
    return client.post(url, {question.field_name: SimpleUploadedFile(name, content)})


def test_a_photo_is_kept_without_its_metadata(client, photo_question):
    response = post(client, photo_question, "IMG_2024 Marie Dupont.jpg", jpeg_with_everything())
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert "Marie" not in answer.photo.name
    with answer.photo.open("rb") as file:
        assert_no_metadata(file.read())


def test_a_picture_with_too_many_pixels_is_refused(client, photo_question):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6250)).save(buffer, format="PNG")
    response = post(client, photo_question, "scan.png", buffer.getvalue())
    assert response.status_code == 400
    assert f'id="id_{photo_question.field_name}_error"' in response.text
    assert not Response.objects.exists()
