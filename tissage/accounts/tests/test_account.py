"""The account pages: profile, language, the person's data export and account deletion."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.utils import timezone

from tissage.accounts.models import SignInCode, SignInCodeFailure, User
from tissage.core.tests.factories import (
    NewsPostFactory,
    OrganisationMembershipFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.organisations.models import OrganisationMembership
from tissage.projects.models import NewsPost, ProjectMembership

pytestmark = pytest.mark.django_db

SIGN_IN = "/compte/connexion/"
ACCOUNT = "/compte/"


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("url", [ACCOUNT, "/compte/mes-donnees/", "/compte/supprimer/"])
def test_account_pages_require_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={url}"


def test_account_page_shows_the_profile_form(client):
    user = UserFactory(display_name="Camille")
    client.force_login(user)

    response = client.get(ACCOUNT)

    assert response.status_code == 200
    assert response.context["form"].instance == user
    assert "Camille" in response.text


@pytest.mark.parametrize("name", ["Camille\r\nBcc: x@example.org", "Camille\u200b", "Ca\x07mille"])
def test_a_display_name_is_one_line_of_visible_text(client, name):
    user = UserFactory(display_name="Camille", language="en")
    client.force_login(user)

    response = client.post(ACCOUNT, {"display_name": name, "language": "en", "home_commune": ""})

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["display_name"]
    assert error.code == "control_character"
    user.refresh_from_db()
    assert user.display_name == "Camille"


def test_profile_update_saves_name_and_language(client):
    user = UserFactory(display_name="", language="fr")
    client.force_login(user)

    response = client.post(
        ACCOUNT, {"display_name": "Camille du Gard", "language": "en", "home_commune": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    user.refresh_from_db()
    assert user.display_name == "Camille du Gard"
    assert user.language == "en"
    assert response.cookies["django_language"].value == "en"


def test_profile_update_refuses_unknown_language(client):
    user = UserFactory(language="fr")
    client.force_login(user)

    response = client.post(ACCOUNT, {"display_name": "X", "language": "xx", "home_commune": ""})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    user.refresh_from_db()
    assert user.language == "fr"


def test_data_export_is_a_zip_with_everything(client):
    user = UserFactory(email="export@example.org", display_name="Exportée")
    OrganisationMembershipFactory(user=user, organisation__name="Les Jardins")
    ProjectMembershipFactory(user=user, project__title="Le Verger")
    NewsPostFactory(author=user, title="Première récolte")
    client.force_login(user)

    response = client.get("/compte/mes-donnees/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "export@example.org"
    assert data["account"]["display_name"] == "Exportée"
    assert [o["organisation"] for o in data["organisations"]] == ["Les Jardins"]
    assert [p["project"] for p in data["projects"]] == ["Le Verger"]
    assert [n["title"] for n in data["news_posts"]] == ["Première récolte"]


def test_data_export_includes_the_person_s_files(client):
    user = UserFactory()
    NewsPostFactory(
        author=user, image=SimpleUploadedFile("recolte.png", b"png-bytes", content_type="image/png")
    )
    NewsPostFactory(image=SimpleUploadedFile("other.png", b"not-mine", content_type="image/png"))
    client.force_login(user)

    response = client.get("/compte/mes-donnees/")

    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        files = [name for name in archive.namelist() if name.startswith("files/")]
        assert len(files) == 1
        assert archive.read(files[0]) == b"png-bytes"
        data = json.loads(archive.read("data.json"))
    assert files[0] == "files/" + data["news_posts"][0]["picture"]


def test_data_export_is_sent_while_it_is_made(client):
    user = UserFactory()
    NewsPostFactory(
        author=user, image=SimpleUploadedFile("recolte.png", b"png-bytes", content_type="image/png")
    )
    client.force_login(user)

    response = client.get("/compte/mes-donnees/")

    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04")
    # A file changed once the first chunk is out goes into the archive as it is now: the
    # files are read after the archive started, not all before it.
    post = NewsPost.objects.get(author=user)
    with post.image.storage.open(post.image.name, "wb") as stored:
        stored.write(b"changed")
    with zipfile.ZipFile(io.BytesIO(first + b"".join(chunks))) as archive:
        assert archive.testzip() is None
        assert archive.read(f"files/{post.image.name}") == b"changed"
        assert json.loads(archive.read("data.json"))["account"]["email"] == user.email


def test_data_export_holds_only_the_person_s_data(client):
    user = UserFactory()
    ProjectMembershipFactory(project__title="Someone else's")
    client.force_login(user)

    response = client.get("/compte/mes-donnees/")

    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["projects"] == []
    assert data["account"]["email"] == user.email


def test_account_deletion_needs_confirmation(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post("/compte/supprimer/", {"confirm": ""})

    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert User.objects.filter(pk=user.pk).exists()


def test_account_deletion_keeps_news_without_author(client):
    user = UserFactory()
    OrganisationMembershipFactory(user=user)
    ProjectMembershipFactory(user=user)
    post = NewsPostFactory(author=user)
    SignInCode.objects.create(
        email=user.email,
        code_hash="x",
        token_hash="y",
        requester="z",
        expires_at=timezone.now(),
    )
    SignInCodeFailure.objects.create(email=user.email, browser="b", requester="z")
    client.force_login(user)

    response = client.post("/compte/supprimer/", {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert not OrganisationMembership.objects.filter(user_id=user.pk).exists()
    assert not ProjectMembership.objects.filter(user_id=user.pk).exists()
    assert not SignInCode.objects.filter(email=user.email).exists()
    assert not SignInCodeFailure.objects.filter(email=user.email).exists()
    post.refresh_from_db()
    assert post.author is None
    assert NewsPost.objects.filter(pk=post.pk).exists()
    assert signed_in_user_id(client) is None


def test_language_switch_is_remembered_on_the_account(client):
    user = UserFactory(language="fr")
    client.force_login(user)

    response = client.post("/langue/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_deleting_an_account_gives_its_places_to_the_people_waiting(client, committed):
    from tissage.actions.models import Registration
    from tissage.actions.tests.helpers import make_action, past_action
    from tissage.core.tests.factories import ProjectFactory

    action = make_action(places=1)
    planter = action.roles.get(name="Planter")
    user = UserFactory(email="louise@example.org")
    Registration.objects.create(
        action=action,
        role=planter,
        user=user,
        email=user.email,
        name="Louise",
        status=Registration.Status.CONFIRMED,
    )
    waiting = Registration.objects.create(
        action=action,
        role=planter,
        email="marc@example.org",
        name="Marc",
        status=Registration.Status.WAITING,
    )
    done = past_action(ProjectFactory())
    attended = Registration.objects.create(
        action=done,
        role=done.roles.first(),
        user=user,
        email=user.email,
        name="Louise",
        status=Registration.Status.CONFIRMED,
        attended=True,
    )
    client.force_login(user)
    page = client.get("/compte/supprimer/").content.decode()
    assert "vos places vont aux personnes sur la liste d’attente" in page

    mail.outbox.clear()
    response = committed(client).post("/compte/supprimer/", {"confirm": "on"})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [["marc@example.org"]]
    # A past action's registration stays, counted, without the name.
    attended.refresh_from_db()
    assert attended.status == Registration.Status.CONFIRMED and attended.attended


def test_the_home_commune_is_typed_not_chosen_among_every_commune(client):
    """A list of every commune (1,063 in the demo) weighed the page down and was hard to
    use on a phone: the commune is typed, by name or INSEE code."""
    from tissage.core.tests.factories import CommuneFactory

    nimes = CommuneFactory(name="Nîmes", insee_code="30189")  # factories use 98xxx
    CommuneFactory.create_batch(30)
    CommuneFactory(name="Saint-Martin", department="30")
    CommuneFactory(name="Saint-Martin", department="26")
    user = UserFactory()
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get(ACCOUNT).content.decode()
    assert '<input type="text" name="home_commune"' in page
    assert page.count("<option") <= 3  # the languages only, none per commune
    # Suggestions while typing fill an empty datalist; without JavaScript, a link to
    # the communes of each department.
    assert 'list="id_home_commune_suggestions"' in page
    assert 'hx-get="/communes/suggestions/?field=home_commune"' in page
    assert '<a href="/communes/">See the communes of your department</a>' in page

    client.post(ACCOUNT, {"display_name": "Camille", "language": "en", "home_commune": "nimes"})
    user.refresh_from_db()
    assert user.home_commune == nimes
    assert "Nîmes (30189)" in client.get(ACCOUNT).content.decode()

    response = client.post(
        ACCOUNT, {"display_name": "Camille", "language": "en", "home_commune": "Saint-Martin"}
    )
    assert response.status_code == 200
    assert "home_commune" in response.context["form"].errors
    user.refresh_from_db()
    assert user.home_commune == nimes  # nothing half-saved
