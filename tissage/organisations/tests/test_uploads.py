"""An organisation's logo: checked, re-encoded without metadata, at most 512 px."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tissage.accounts.models import User
from tissage.core.tests.pictures import assert_stripped_jpeg, heic_with_gps, jpeg_with_gps
from tissage.organisations.forms import LogoField
from tissage.organisations.models import Organisation
from tissage.organisations.services import organisation_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_user("admin@example.org", display_name="Admin")
    client.organisation = organisation_create(name="Asso", kind="association", admins=[user])
    client.force_login(user)
    return client


def post_logo(client, upload):
    return client.post(
        f"/structures/{client.organisation.slug}/modifier/",
        {
            "name": "Asso",
            "kind": Organisation.Kind.ASSOCIATION,
            "description": "",
            "website": "",
            "contact_email": "",
            "logo": upload,
        },
    )


@pytest.mark.parametrize(
    ("name", "make", "size"),
    [
        ("IMG_0001.jpg", jpeg_with_gps, (512, 256)),
        ("IMG_0001.HEIC", heic_with_gps, (256, 512)),
    ],
)
def test_logo_loses_its_metadata_and_is_resized_to_512_px(admin_client, name, make, size):
    response = post_logo(admin_client, SimpleUploadedFile(name, make()))
    assert response.status_code == 302
    admin_client.organisation.refresh_from_db()
    assert_stripped_jpeg(admin_client.organisation.logo, size)


def test_png_logo_keeps_its_transparency(admin_client):
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    response = post_logo(admin_client, SimpleUploadedFile("logo.png", buffer.getvalue()))
    assert response.status_code == 302
    admin_client.organisation.refresh_from_db()
    with admin_client.organisation.logo.open("rb") as handle, Image.open(handle) as stored:
        assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (300, 100))
        assert stored.getpixel((5, 5))[3] == 0


def test_logo_that_is_not_a_picture_is_refused(admin_client):
    response = post_logo(admin_client, SimpleUploadedFile("logo.jpg", b"%PDF-1.4\n%%EOF"))
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["logo"][0].code == "format"
    admin_client.organisation.refresh_from_db()
    assert not admin_client.organisation.logo


def test_a_logo_sent_through_the_admin_goes_through_the_same_pipeline(client):
    client.force_login(User.objects.create_superuser("root@example.org", password=None))
    response = client.get("/admin/organisations/organisation/add/")

    field = response.context["adminform"].form.fields["logo"]
    assert isinstance(field, LogoField) and field.max_side == 512
    assert 'accept="image/jpeg,image/png,image/webp,image/heic"' in response.content.decode()
