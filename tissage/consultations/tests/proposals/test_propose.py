"""The proposal form: a member, a guest (and the link of their email), a facilitator
for someone offline, a remark on the map, photos, similar titles, bad input."""

from __future__ import annotations

import datetime
import io
import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tissage.consultations.models import Proposal, ProposalPhoto
from tissage.consultations.proposals import tokens
from tissage.consultations.proposals.services import unconfirmed_proposals_purge
from tissage.consultations.tests.factories import (
    CategoryFactory,
    ConsultationFactory,
    ProposalFactory,
)
from tissage.core.tests.factories import CommuneFactory, UserFactory
from tissage.engagement.services import is_following

from .helpers import link_path

pytestmark = pytest.mark.django_db


def jpeg(name: str = "haie.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def propose_url(consultation, query: str = "") -> str:
    return reverse("consultations:propose", args=[consultation.slug]) + query


def test_a_member_proposes_and_it_is_published_at_once(client, consultation):
    category = CategoryFactory(consultation=consultation, name="Haies")
    commune = CommuneFactory(name="Saillans")
    user = UserFactory(display_name="Camille")
    client.force_login(user)
    response = client.post(
        propose_url(consultation),
        {
            "title": "Planter une haie au stade",
            "text": "Le long du grillage.",
            "category": category.pk,
            "commune": commune.insee_code,
            "photos": [jpeg(), jpeg("deux.jpg")],
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == proposal.get_absolute_url()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.author == user
    assert proposal.commune == commune
    assert proposal.category == category
    assert proposal.photos.count() == 2
    assert all(photo.image.name.startswith("private/") for photo in proposal.photos.all())
    assert is_following(user=user, target=consultation)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Planter une haie au stade" in page
    assert "Camille" in page
    assert "Haies" in page and "Saillans" in page
    assert proposal.photos.first().thumbnail_url in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "text": "x"}, "title", "Donnez un titre à votre proposition."),
        ({"title": "x" * 161, "text": "x"}, "title", "moins de 160 caractères"),
        ({"title": "Une idée", "text": ""}, "text", "Dites en quelques phrases"),
        (
            {"title": "Une idée", "text": "x", "category": "999999"},
            "category",
            "Choisissez une des catégories",
        ),
        (
            {"title": "Une idée", "text": "x", "category": "abc"},
            "category",
            "Choisissez une des catégories",
        ),
        ({"title": "Une idée", "text": "x", "commune": "Nullepart-sur-Mer"}, "commune", ""),
        ({"title": "Une idée", "text": "x", "longitude": "4.3"}, "latitude", ""),
        ({"title": "Une idée", "text": "x", "longitude": "abc", "latitude": "44"}, "longitude", ""),
    ],
)
def test_bad_input_comes_back_with_the_error_next_to_its_field(
    client, consultation, data, field, message
):
    CategoryFactory(consultation=consultation)
    client.force_login(UserFactory())
    data = {"category": str(consultation.categories.get().pk), **data}
    response = client.post(propose_url(consultation), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert not Proposal.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(client, consultation):
    client.force_login(UserFactory())
    bad = SimpleUploadedFile("virus.jpg", b"not a picture at all", content_type="image/jpeg")
    response = client.post(
        propose_url(consultation), {"title": "Idée", "text": "x", "photos": [bad]}
    )
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert not Proposal.objects.exists()
    assert not ProposalPhoto.objects.exists()


def test_four_photos_are_too_many(client, consultation):
    client.force_login(UserFactory())
    response = client.post(
        propose_url(consultation),
        {"title": "Idée", "text": "x", "photos": [jpeg() for _ in range(4)]},
    )
    assert "Envoyez au plus trois photos." in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_guest_proposal_waits_for_its_link_which_publishes_it(
    client, consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            propose_url(consultation),
            {
                "title": "Un verger partagé",
                "text": "Derrière la mairie.",
                "guest_name": "Lou",
                "guest_email": "Lou@Example.org",
            },
        )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.status == Proposal.Status.UNCONFIRMED
    assert proposal.author is None and proposal.author_email == "lou@example.org"
    # Nobody sees it yet, not even in the list.
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert (
        "Un verger partagé"
        not in client.get(
            reverse("consultations:proposals", args=[consultation.slug])
        ).content.decode()
    )
    (message,) = mail.outbox
    assert message.to == ["lou@example.org"]
    assert "Un verger partagé" in message.subject
    link = re.search(r"https?://\S+/confirmer/proposition/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # The link opens a page with a button (mail scanners publish nothing).
    assert client.get("/" + path).status_code == 200
    assert Proposal.objects.get().status == Proposal.Status.UNCONFIRMED
    response = client.post("/" + path)
    assert response["Location"] == proposal.get_absolute_url()
    assert Proposal.objects.get().status == Proposal.Status.PUBLISHED
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Lou" in page
    assert "lou@example.org" not in page
    # Twice: nothing more happens.
    client.post("/" + path)
    assert Proposal.objects.filter(status=Proposal.Status.PUBLISHED).count() == 1


def test_a_guest_must_give_a_name_and_an_address(client, consultation):
    response = client.post(
        propose_url(consultation), {"title": "Idée", "text": "x", "guest_email": "pas-une-adresse"}
    )
    errors = response.context["form"].errors
    assert "guest_name" in errors and "guest_email" in errors
    assert not mail.outbox


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        tokens.PROPOSAL_CONFIRM.make(1, "someone@example.org")[:-3] + "abc",
        tokens.SUPPORT_CONFIRM.make(1, "someone@example.org"),  # a link of another kind
    ],
    # Fixed ids: a signed token holds the time, and pytest-xdist's workers must collect
    # the same test names whatever second each of them collects in.
    ids=["nonsense", "forged", "other-kind"],
)
def test_a_bad_or_forged_link_answers_the_link_problem_page(client, token):
    response = client.get(reverse("consultations:proposal_confirm", args=[token]))
    assert response.status_code == 400
    assert "lien" in response.content.decode().lower()


def test_a_link_for_another_address_or_a_gone_proposal_is_a_link_problem(client, consultation):
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="a@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    token = tokens.PROPOSAL_CONFIRM.make(proposal.pk, "b@example.org")
    assert client.post(reverse("consultations:proposal_confirm", args=[token])).status_code == 400
    token = tokens.PROPOSAL_CONFIRM.make(proposal.pk + 1000, "a@example.org")
    assert client.get(reverse("consultations:proposal_confirm", args=[token])).status_code == 400
    assert Proposal.objects.get().status == Proposal.Status.UNCONFIRMED


def test_an_expired_link_is_a_link_problem(client, consultation, monkeypatch):
    proposal = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="a@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    token = tokens.PROPOSAL_CONFIRM.make(proposal.pk, "a@example.org")
    later = timezone.now() + datetime.timedelta(days=8)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = client.get(reverse("consultations:proposal_confirm", args=[token]))
    assert response.status_code == 400
    assert "expiré" in response.content.decode()


def test_unconfirmed_proposals_are_purged_after_the_links_life(consultation):
    old = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="a@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    Proposal.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    recent = ProposalFactory(
        consultation=consultation,
        author=None,
        author_email="b@example.org",
        status=Proposal.Status.UNCONFIRMED,
    )
    published = ProposalFactory(consultation=consultation)
    Proposal.objects.filter(pk=published.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    assert unconfirmed_proposals_purge() == 1
    assert set(Proposal.objects.values_list("pk", flat=True)) == {recent.pk, published.pk}


def test_a_consultation_that_needs_an_account_sends_guests_to_sign_in(client):
    consultation = ConsultationFactory(requires_account=True)
    response = client.get(propose_url(consultation))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


def test_assisted_entry_is_published_with_the_name_and_flagged(client, consultation, facilitator):
    client.force_login(facilitator)
    response = client.post(
        propose_url(consultation, "?pour=autrui"),
        {"title": "Un banc", "text": "Dit au marché.", "on_behalf_name": "Mme Roux"},
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == propose_url(consultation, "?pour=autrui")
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.author is None and proposal.entered_by == facilitator
    assert proposal.author_name == "Mme Roux"
    assert not is_following(user=facilitator, target=consultation)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Mme Roux" in page
    assert "saisie assistée" in page


def test_assisted_entry_is_for_who_runs_the_consultation_only(client, consultation, member):
    client.force_login(member)
    response = client.get(propose_url(consultation, "?pour=autrui"))
    assert response.context["mode"] == "member"
    assert "on_behalf_name" not in response.context["form"].fields


def test_a_remark_on_the_map_needs_the_point_and_takes_the_maps_kinds(client, consultation):
    idea = CategoryFactory(consultation=consultation, name="Thème idées")
    kind = CategoryFactory(consultation=consultation, part="map", name="Passage dangereux")
    client.force_login(UserFactory())
    url = propose_url(consultation, "?partie=carte&lat=44.7&lon=5.19")
    page = client.get(url).content.decode()
    assert 'value="44.7"' in page and 'value="5.19"' in page
    assert "Passage dangereux" in page and "Thème idées" not in page
    response = client.post(
        url, {"title": "Carrefour", "text": "Voitures rapides.", "category": kind.pk}
    )
    assert "latitude" in response.context["form"].errors
    response = client.post(
        url,
        {
            "title": "Carrefour",
            "text": "x",
            "category": idea.pk,
            "longitude": "5.19",
            "latitude": "44.7",
        },
    )
    assert "category" in response.context["form"].errors
    response = client.post(
        url,
        {
            "title": "Carrefour",
            "text": "x",
            "category": kind.pk,
            "longitude": "5.19",
            "latitude": "44.7",
        },
    )
    proposal = Proposal.objects.get()
    assert proposal.part == Proposal.Part.MAP
    assert (proposal.longitude, proposal.latitude) == (5.19, 44.7)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Le voir sur la carte de la consultation" in page
    assert reverse("consultations:map", args=[consultation.slug]) in page


def test_the_map_part_is_404_when_the_consultation_has_no_map(client):
    consultation = ConsultationFactory(map_enabled=False)
    client.force_login(UserFactory())
    assert client.get(propose_url(consultation, "?partie=carte")).status_code == 404


def test_a_point_without_a_commune_finds_its_commune(client, consultation):
    commune = CommuneFactory()
    client.force_login(UserFactory())
    client.post(
        propose_url(consultation),
        {
            "title": "Idée",
            "text": "x",
            "longitude": str(commune.min_lon + 0.001),
            "latitude": str(commune.min_lat + 0.001),
        },
    )
    assert Proposal.objects.get().commune == commune


def test_without_javascript_similar_titles_come_back_once_then_the_proposal_goes(
    client, consultation
):
    existing = ProposalFactory(consultation=consultation, title="Planter des haies au Stade")
    client.force_login(UserFactory())
    data = {"title": "Une haie près du stade", "text": "x"}
    response = client.post(propose_url(consultation), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Planter des haies au Stade" not in page or existing.get_absolute_url() in page
    assert existing.get_absolute_url() in page
    assert 'name="similar_seen" value="1"' in page
    assert not Proposal.objects.filter(title=data["title"]).exists()
    client.post(propose_url(consultation), {**data, "similar_seen": "1"})
    assert Proposal.objects.filter(title=data["title"]).exists()


def test_a_guest_proposal_from_a_proven_address_becomes_the_accounts_when_confirmed(
    client, consultation, django_capture_on_commit_callbacks
):
    user = UserFactory(email="lou@example.org", email_confirmed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            propose_url(consultation),
            {"title": "Idée", "text": "x", "guest_name": "Lou", "guest_email": "lou@example.org"},
        )
    client.post(link_path(mail.outbox[0], "proposition"))
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.PUBLISHED
    assert proposal.author == user
    assert is_following(user=user, target=consultation)


def _key(response) -> str:
    return str(response.context["form"]["submission_key"].value())


def test_photos_are_kept_when_the_form_comes_back_then_become_the_proposals(client, consultation):
    existing = ProposalFactory(consultation=consultation, title="Une haie au stade")
    client.force_login(UserFactory())
    first = client.get(propose_url(consultation))
    key = _key(first)
    data = {"title": "Une haie près du stade", "text": "x", "submission_key": key}
    # Similar proposals: the form comes back, the photos stay.
    response = client.post(propose_url(consultation), {**data, "photos": [jpeg(), jpeg("b.jpg")]})
    assert response.status_code == 200
    assert existing.get_absolute_url() in response.content.decode()
    kept = list(ProposalPhoto.objects.filter(proposal=None))
    assert len(kept) == 2
    assert all(
        photo.form_key is not None and photo.image.name.startswith("private/") for photo in kept
    )
    page = response.content.decode()
    assert "2 photos sont gardées" in page
    assert kept[0].kept_url in page
    # The page that holds the form shows their thumbnails; another key, or the public
    # photo address, shows nothing.
    assert client.get(kept[0].kept_url).status_code == 200
    other = reverse(
        "consultations:kept_photo", args=["6f1c2a4e-8d3b-4f5a-9e7c-0b1d2e3f4a5b", kept[0].pk]
    )
    assert client.get(other).status_code == 404
    assert (
        client.get(reverse("consultations:proposal_photo", args=[kept[0].pk, "image"])).status_code
        == 404
    )
    # Sent again, with one more photo and one taken off: two photos, in order.
    client.post(
        propose_url(consultation),
        {**data, "similar_seen": "1", "remove_photos": [kept[0].pk], "photos": [jpeg("c.jpg")]},
    )
    proposal = Proposal.objects.get(title=data["title"])
    photos = list(proposal.photos.all())
    assert photos[0].pk == kept[1].pk
    assert len(photos) == 2
    assert all(photo.form_key is None for photo in photos)
    assert not ProposalPhoto.objects.filter(proposal=None).exists()


def test_kept_photos_leave_room_for_three_at_most(client, consultation):
    client.force_login(UserFactory())
    key = _key(client.get(propose_url(consultation)))
    client.post(
        propose_url(consultation),
        {"title": "", "text": "x", "submission_key": key, "photos": [jpeg(), jpeg("b.jpg")]},
    )
    response = client.post(
        propose_url(consultation),
        {
            "title": "Idée",
            "text": "x",
            "submission_key": key,
            "photos": [jpeg("c.jpg"), jpeg("d.jpg")],
        },
    )
    assert "2 photos sont gardées ci-dessus" in response.content.decode()
    assert not Proposal.objects.exists()
    # A forged key keeps nothing of another form's.
    client.post(
        propose_url(consultation), {"title": "Autre", "text": "x", "submission_key": "not-a-key"}
    )
    assert Proposal.objects.get(title="Autre").photos.count() == 0


def test_kept_photos_are_purged_after_a_day(consultation):
    from tissage.consultations.proposals.services import kept_photos_purge, photos_keep
    from tissage.core.photos import photo_prepare

    key = uuid.uuid4()
    (photo,) = photos_keep(key=key, photos=[photo_prepare(jpeg())])
    assert kept_photos_purge() == 0
    ProposalPhoto.objects.filter(pk=photo.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert kept_photos_purge() == 1
    assert not ProposalPhoto.objects.exists()


def test_the_same_form_sent_twice_makes_one_proposal(client, consultation):
    client.force_login(UserFactory())
    key = _key(client.get(propose_url(consultation)))
    data = {"title": "Un banc", "text": "x", "submission_key": key}
    first = client.post(propose_url(consultation), data)
    again = client.post(propose_url(consultation), data)
    proposal = Proposal.objects.get()
    assert first["Location"] == again["Location"] == proposal.get_absolute_url()
    assert proposal.submission_key is not None


def test_the_same_form_sent_twice_at_once_makes_one_proposal(transactional_db):
    import threading

    from django.db import IntegrityError, connections

    from tissage.consultations.proposals.services import proposal_submit

    consultation = ConsultationFactory()
    user = UserFactory()
    key = uuid.uuid4()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        try:
            start.wait()
            proposal_submit(
                consultation=consultation,
                part="idea",
                title="Un banc",
                text="x",
                category=None,
                commune=None,
                point=None,
                author=user,
                submission_key=key,
            )
            outcomes.append("made")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["made", "refused"]
    assert Proposal.objects.count() == 1
