"""Pictures uploaded with a project or a news item: checked, re-encoded, stripped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tissage.accounts.models import User
from tissage.core.tests.factories import ProjectFactory, UserFactory
from tissage.core.tests.pictures import assert_stripped_jpeg, heic_with_gps, jpeg_with_gps
from tissage.organisations.services import organisation_create
from tissage.projects.models import NewsPost, Project
from tissage.projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator_client(client):
    user = User.objects.create_user("anim@example.org", display_name="Anim")
    organisation = organisation_create(name="Asso", kind="association", facilitators=[user])
    project = project_create(
        organisation=organisation,
        creator=user,
        title="Haies",
        summary="Planter",
        status=Project.Status.PUBLISHED,
    )
    client.force_login(user)
    client.project = project
    return client


def post_news(client, upload):
    return client.post(
        f"/projets/{client.project.slug}/actualites/nouvelle/",
        {"title": "Chantier", "body": "Merci !", "image": upload, "image_alt": "Une haie"},
    )


def test_news_picture_loses_its_gps_metadata_and_is_resized(facilitator_client):
    data = jpeg_with_gps()
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif()  # the test file does carry EXIF
    response = post_news(
        facilitator_client, SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
    )
    assert response.status_code == 302
    post = NewsPost.objects.get()
    with post.image.open("rb") as handle, Image.open(handle) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
        assert max(stored.size) == 2048


def test_news_picture_in_heic_becomes_an_upright_jpeg_without_metadata(facilitator_client):
    response = post_news(
        facilitator_client,
        SimpleUploadedFile("IMG_0001.HEIC", heic_with_gps(), content_type="image/heic"),
    )
    assert response.status_code == 302
    assert_stripped_jpeg(NewsPost.objects.get().image, (1024, 2048))


def post_cover(client, upload):
    return client.post(
        f"/projets/{client.project.slug}/modifier/",
        {
            "title": "Haies",
            "summary": "Planter",
            "description": "",
            "status": Project.Status.PUBLISHED,
            "call_to_action": "",
            "call_to_action_url": "",
            "cover": upload,
            "cover_alt": "Une haie",
        },
    )


@pytest.mark.parametrize(
    ("name", "make", "size"),
    [
        ("IMG_0001.jpg", jpeg_with_gps, (2048, 1024)),
        ("IMG_0001.HEIC", heic_with_gps, (1024, 2048)),
    ],
)
def test_cover_loses_its_metadata_and_is_resized(facilitator_client, name, make, size):
    response = post_cover(facilitator_client, SimpleUploadedFile(name, make()))
    assert response.status_code == 302
    facilitator_client.project.refresh_from_db()
    assert_stripped_jpeg(facilitator_client.project.cover, size)


def test_cover_that_is_not_a_picture_is_refused(facilitator_client):
    response = post_cover(facilitator_client, SimpleUploadedFile("cover.jpg", b"%PDF-1.4\n%%EOF"))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["cover"][0].code == "format"
    facilitator_client.project.refresh_from_db()
    assert not facilitator_client.project.cover


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("document.jpg", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF"),
        ("truncated.jpg", jpeg_with_gps()[:400]),
        ("empty.jpg", b""),
    ],
)
def test_files_that_are_not_pictures_are_refused_with_a_message(facilitator_client, name, content):
    response = post_news(
        facilitator_client, SimpleUploadedFile(name, content, content_type="image/jpeg")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not NewsPost.objects.exists()


def test_too_large_picture_is_refused(facilitator_client):
    # The limit of every picture is 15 MB (core.photos).
    big = SimpleUploadedFile("big.jpg", jpeg_with_gps() + b"0" * (15 * 1024 * 1024))
    response = post_news(facilitator_client, big)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["image"][0].code == "too_large"
    assert not NewsPost.objects.exists()


def test_decompression_bomb_is_refused(facilitator_client):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 Mpx, tiny file
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    response = post_news(facilitator_client, bomb)
    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert not NewsPost.objects.exists()


def test_a_news_picture_sent_through_the_admin_goes_through_the_same_pipeline(client):
    """The admin is another way in: the picture is re-encoded without its GPS position,
    and a HEIC from an iPhone is taken, as on the site's form."""
    project = ProjectFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/projects/newspost/add/").content.decode()
    assert 'accept="image/jpeg,image/png,image/webp,image/heic"' in page

    response = client.post(
        "/admin/projects/newspost/add/",
        {
            "project": project.pk,
            "title": "Chantier",
            "body": "Texte",
            "image": SimpleUploadedFile("IMG_0001.HEIC", heic_with_gps()),
            "image_alt": "",
            "author": "",
            "published_at_0": "2026-12-01",
            "published_at_1": "10:00",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_stripped_jpeg(NewsPost.objects.get(title="Chantier").image, (1024, 2048))
