"""The report after an action, with its photos."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image

from tissage.actions.models import Action, ActionReport, ReportPhoto
from tissage.actions.tests.helpers import past_action, staff_client
from tissage.inventories.tests.helpers import jpeg_bytes

pytestmark = pytest.mark.django_db


# Report ----------------------------------------------------------------------------------


# The line given to the action page (actions/registration/detail.html) to show the report.
INCLUDE = '{% include "actions/attendance/_report.html" with report=action.report %}'


def photo_upload(name="p.jpg", size=(3000, 2000)):
    return SimpleUploadedFile(name, jpeg_bytes(size), content_type="image/jpeg")


def test_a_report_with_photos_is_saved_resized(client):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(
        url,
        {
            "text": "Nous avons planté **120** arbres.",
            "photos": [photo_upload(), photo_upload()],
            "credit": "Léa",
        },
    )
    assert response.status_code == 302
    report = ActionReport.objects.get(action=action)
    photos = list(report.photos.all())
    assert [p.credit for p in photos] == ["Léa", "Léa"]
    assert [p.position for p in photos] == [0, 1]
    with Image.open(photos[0].image.path) as image:
        assert max(image.size) == 2048
        assert not image.getexif()
    html = Template(INCLUDE).render(Context({"action": Action.objects.get(pk=action.pk)}))
    assert "<strong>120</strong>" in html and "Léa" in html


def test_the_report_include_is_silent_without_a_report():
    action = past_action()
    html = Template(INCLUDE).render(Context({"action": Action.objects.get(pk=action.pk)}))
    assert html.strip() == ""


def test_photos_are_removed_and_at_most_ten(client):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    client.post(
        url,
        {"text": "Bien.", "photos": [photo_upload(size=(40, 30)) for _ in range(8)], "credit": "A"},
    )
    assert ReportPhoto.objects.count() == 8
    response = client.post(
        url,
        {"text": "Bien.", "photos": [photo_upload(size=(40, 30)) for _ in range(3)], "credit": "A"},
    )
    assert response.status_code == 400
    assert ReportPhoto.objects.count() == 8
    first = ReportPhoto.objects.first()
    client.post(
        url,
        {
            "text": "Très bien.",
            "photos": [photo_upload(size=(40, 30)) for _ in range(3)],
            "credit": "B",
            "remove": [first.pk],
        },
    )
    assert ReportPhoto.objects.count() == 10
    assert not ReportPhoto.objects.filter(pk=first.pk).exists()
    assert ActionReport.objects.get().text == "Très bien."


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "Bien.", "photos": "file"},  # not a photo
        {"text": "Bien.", "photos": "photo", "credit": ""},  # photos need a credit
    ],
)
def test_bad_report_input_saves_nothing(client, data):
    action = past_action()
    if data.get("photos") == "file":
        data["photos"] = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    elif data.get("photos") == "photo":
        data["photos"] = photo_upload(size=(40, 30))
    url = reverse("actions:report", kwargs={"slug": action.slug})
    response = staff_client(client, action.project).post(url, data)
    assert response.status_code == 400
    assert not ActionReport.objects.exists()
    assert not ReportPhoto.objects.exists()
