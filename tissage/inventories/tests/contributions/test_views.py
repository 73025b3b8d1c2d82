"""The public side through HTTP: the contribution form (no JavaScript needed), guest
confirmation, decisions by email, the contributor's answer, list and item pages."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from shapely import Point

from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import CampaignField, Contribution, ContributionEvent, Photo
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import (
    LAT,
    LON,
    a_photo,
    heritage_campaign,
    jpeg_bytes,
    lavoir,
    published,
    submit,
)

pytestmark = pytest.mark.django_db


# 30 m north of (LON, LAT), and 200 m north.
LAT_30M = LAT + 30 / 111_320


LAT_200M = LAT + 200 / 111_320


def photo(name="lavoir.jpg", data=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data or jpeg_bytes((800, 600)), content_type=content_type)


def form_data(campaign, **changes):
    data = {
        "category": lavoir(campaign).pk,
        "title": "Lavoir de la Fontaine",
        "description": "Un lavoir couvert, bassin en pierre.",
        "longitude": str(LON),
        "latitude": str(LAT),
        "address": "chemin de la Fontaine",
        "photos": [photo()],
        "photo_credit": "",
        "show_contributor": "on",
        "consent": "on",
        "q_siecle": "XIXe siècle",
        "guest_name": "Jeanne Martin",
        "guest_email": "jeanne@example.org",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def contribute_url(campaign, **query):
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def links_in(message):
    return re.findall(r"https?://\S+|/inventaires/\S+", message.body)


def test_a_guest_contributes_without_javascript_and_confirms_by_email(
    client, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contribute_url(campaign), form_data(campaign))
    assert response.status_code == 302
    item = Contribution.objects.get()
    assert item.status == Contribution.Status.AWAITING_EMAIL
    assert item.values == {"siecle": "XIXe siècle"}
    assert item.commune.name == "Nîmes"
    assert item.photos.get().credit == "Jeanne Martin"
    assert not item.location_approximate
    (message,) = mail.outbox
    assert message.to == ["jeanne@example.org"]
    assert "Lavoir de la Fontaine" in message.subject
    (link,) = [url for url in links_in(message) if "/confirmer/" in url]
    response = client.get(link)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Contribution.Status.SUBMITTED
    assert item.events.filter(kind=ContributionEvent.Kind.EMAIL_CONFIRMED).count() == 1
    # Opening the link again changes nothing and says so.
    response = client.get(link, follow=True)
    assert "déjà confirmée" in response.content.decode()
    assert item.events.filter(kind=ContributionEvent.Kind.EMAIL_CONFIRMED).count() == 1


@pytest.mark.parametrize("token", ["nimportequoi", "eyJpIjoxfQ:1abc:def"])
def test_a_broken_confirmation_link_is_explained(client, campaign, token):
    response = client.get(reverse("inventories:guest_confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert "lien n’est pas valide" in response.content.decode()


def test_a_member_contributes_and_sees_the_item_waiting(client, campaign):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        contribute_url(campaign), form_data(campaign, guest_name=None, guest_email=None)
    )
    item = Contribution.objects.get()
    assert response.url == reverse(
        "inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk}
    )
    assert item.status == Contribution.Status.SUBMITTED
    assert item.contributor == person
    assert client.get(response.url).status_code == 200
    # Nobody else sees it before it is validated.
    client.logout()
    assert client.get(response.url).status_code == 404


@pytest.mark.parametrize(
    ("longitude", "latitude"),
    [
        ("4,3652", "43,8452"),  # decimal commas
        ("4°21'54.7\"E", "43°50'42.7\"N"),  # degrees, minutes, seconds
        ("", "43.8452, 4.3652"),  # pasted from a map app into one box
    ],
)
def test_coordinates_typed_as_people_type_them_place_the_item(
    client, campaign, longitude, latitude
):
    response = client.post(
        contribute_url(campaign), form_data(campaign, longitude=longitude, latitude=latitude)
    )
    assert response.status_code == 302
    item = Contribution.objects.get()
    assert (item.longitude, item.latitude) == pytest.approx((4.3652, 43.8452), abs=1e-4)
    assert not item.location_approximate


def test_without_coordinates_the_item_is_placed_in_the_chosen_commune(client, campaign):
    commune = campaign.communes.get()
    response = client.post(
        contribute_url(campaign),
        form_data(campaign, longitude="", latitude="", commune=commune.pk),
    )
    assert response.status_code == 302
    item = Contribution.objects.get()
    assert item.location_approximate
    assert item.commune == commune
    assert commune.shape.contains(Point(item.longitude, item.latitude))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"longitude": "", "latitude": ""}, "Dites où il se trouve"),
        ({"latitude": ""}, "la longitude et la latitude"),
        ({"longitude": "quatre"}, "Tapez la longitude comme un nombre"),
        ({"title": ""}, "Donnez un nom"),
        ({"photos": None}, "Ajoutez au moins une photo"),
        ({"guest_email": "jeanne@"}, "Vérifiez l’adresse e-mail"),
        ({"longitude": "3.0", "latitude": "45.0"}, "en dehors des communes"),
        (
            {"photos": [photo("scan.jpg", b"%PDF-1.4 not an image", "image/jpeg")]},
            "scan.jpg",
        ),
        ({"photos": [photo(f"p{n}.jpg") for n in range(6)]}, "cinq photos au plus"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, campaign, changes, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contribute_url(campaign), form_data(campaign, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contribution.objects.exists()
    assert not mail.outbox


def test_a_same_category_item_30_m_away_is_shown_before_sending(client, campaign, facilitator):
    existing = published(campaign, facilitator, title="Lavoir du Moulin", lat=LAT_30M)
    response = client.post(contribute_url(campaign), form_data(campaign))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Il y a déjà un élément de ce type à proximité" in page
    assert reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": existing.pk}) in page
    assert Contribution.objects.count() == 1
    # The contributor may still send it.
    response = client.post(contribute_url(campaign), form_data(campaign, duplicate_ok="on"))
    assert response.status_code == 302
    assert Contribution.objects.count() == 2


def test_no_warning_for_an_item_200_m_away(client, campaign, facilitator):
    published(campaign, facilitator, title="Lavoir du Moulin", lat=LAT_200M)
    response = client.post(contribute_url(campaign), form_data(campaign))
    assert response.status_code == 302
    assert Contribution.objects.count() == 2


def test_the_live_nearby_check_answers_a_fragment(client, campaign, facilitator):
    published(campaign, facilitator, title="Lavoir du Moulin", lat=LAT_30M)
    url = reverse("inventories:nearby", kwargs={"slug": campaign.slug})
    query = {"category": lavoir(campaign).pk, "longitude": LON}
    near = client.get(url, {**query, "latitude": LAT}).content.decode()
    far = client.get(url, {**query, "latitude": LAT_200M + 0.002}).content.decode()
    junk = client.get(url, {"category": "x", "longitude": "y", "latitude": "z"})
    assert "Lavoir du Moulin" in near and "<html" not in near
    assert "Lavoir du Moulin" not in far
    assert junk.status_code == 200


def folded_part(page: str) -> str | None:
    """What "More details (optional)" folds on the form page (None when nothing is)."""
    found = re.search(r"<details class=\"more-questions\"[^>]*>.*?</details>", page, re.S)
    return found.group(0) if found else None


def test_optional_questions_are_folded_under_more_details(client, campaign):
    client.cookies["django_language"] = "en"
    page = client.get(contribute_url(campaign)).content.decode()
    folded = folded_part(page)
    assert folded is not None
    assert "<summary>More details (optional)</summary>" in folded
    assert 'id="id_q_siecle"' in folded
    assert "open" not in folded.split(">", 1)[0]  # folded, without any script
    assert 'id="id_title"' not in folded


def test_a_required_question_stays_in_sight(client, campaign):
    CampaignField.objects.create(
        campaign=campaign, key="gardien", label="Qui en a la clé ?", required=True
    )
    page = client.get(contribute_url(campaign)).content.decode()
    folded = folded_part(page)
    assert folded is not None and 'id="id_q_gardien"' not in folded
    assert re.search(r'<input[^>]*name="q_gardien"[^>]*required', page)
    # Only required questions: nothing to fold.
    campaign.fields.exclude(key="gardien").delete()
    page = client.get(contribute_url(campaign)).content.decode()
    assert folded_part(page) is None
    assert 'id="id_q_gardien"' in page


def test_a_folded_question_with_an_error_is_shown_unfolded(client, campaign):
    CampaignField.objects.create(campaign=campaign, key="hauteur", label="Hauteur", kind="number")
    response = client.post(contribute_url(campaign), form_data(campaign, q_hauteur="haute"))
    assert response.status_code == 200
    folded = folded_part(response.content.decode())
    assert folded is not None and 'id="id_q_hauteur"' in folded
    assert folded.startswith('<details class="more-questions" open>')
    # An error elsewhere leaves them folded.
    response = client.post(contribute_url(campaign), form_data(campaign, title=""))
    folded = folded_part(response.content.decode())
    assert folded is not None and folded.startswith('<details class="more-questions">')
    assert not Contribution.objects.exists()


def test_a_campaign_needing_an_account_sends_guests_to_sign_in(client):
    campaign = heritage_campaign(requires_account=True)
    response = client.get(contribute_url(campaign))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_a_closed_campaign_takes_no_contribution(client):
    campaign = heritage_campaign(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )
    response = client.post(contribute_url(campaign), form_data(campaign))
    assert response.status_code == 403
    assert not Contribution.objects.exists()


def test_assisted_entry_by_a_facilitator(client, campaign, facilitator):
    client.force_login(facilitator)
    response = client.post(
        contribute_url(campaign, pour="autrui"),
        form_data(
            campaign,
            guest_name=None,
            guest_email=None,
            on_behalf_name="Marcel, 87 ans",
            photo_credit="Marcel",
        ),
    )
    assert response.status_code == 302
    item = Contribution.objects.get()
    assert item.entered_by == facilitator
    assert item.contributor is None
    assert item.contributor_name == "Marcel, 87 ans"
    assert item.status == Contribution.Status.SUBMITTED
    assert "pour le compte" in item.events.get().message


def test_sending_is_agreeing_to_the_licence_said_next_to_the_button(client, campaign):
    """A guest or a member agrees by sending, as the sentence by the button says; the
    moment is kept with the item."""
    page = client.get(contribute_url(campaign)).content.decode()
    assert 'name="consent"' not in page
    assert "En envoyant, vous acceptez que votre contribution" in page
    assert "Licence Ouverte" in page

    response = client.post(contribute_url(campaign), form_data(campaign, consent=None))

    assert response.status_code == 302
    assert Contribution.objects.get().consent_at is not None


def test_a_facilitator_entering_for_someone_vouches_for_their_consent(
    client, campaign, facilitator
):
    client.force_login(facilitator)
    data = form_data(
        campaign, guest_name=None, guest_email=None, on_behalf_name="Marcel", consent=None
    )

    response = client.post(contribute_url(campaign, pour="autrui"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "La personne accepte que la contribution soit publiée" in page
    assert "Acceptez que votre contribution soit publiée" in page
    assert not Contribution.objects.exists()


def test_assisted_entry_is_not_offered_to_a_participant(client, campaign):
    person = UserFactory()
    client.force_login(person)
    page = client.get(contribute_url(campaign, pour="autrui")).content.decode()
    assert "on_behalf_name" not in page
    client.post(
        contribute_url(campaign, pour="autrui"),
        form_data(campaign, guest_name=None, guest_email=None, on_behalf_name="X"),
    )
    item = Contribution.objects.get()
    assert item.contributor == person and item.entered_by is None


def test_each_decision_is_emailed_with_the_message(campaign, facilitator, on_commit):
    person = UserFactory(email="paul@example.org")
    item = submit(campaign, contributor=person)
    on_commit(
        contribution_decide,
        item=item,
        moderator=facilitator,
        status=Contribution.Status.NEEDS_INFO,
        message="De quel siècle date-t-il ?",
        base_url="https://tissage.example",
    )
    on_commit(
        contribution_decide,
        item=item,
        moderator=facilitator,
        status=Contribution.Status.VALIDATED,
        base_url="https://tissage.example",
    )
    asked, validated = mail.outbox
    assert asked.to == validated.to == ["paul@example.org"]
    assert "De quel siècle date-t-il ?" in asked.body
    assert "https://tissage.example/inventaires/" in asked.body and "/completer/" in asked.body
    assert "publiée" in validated.subject


def test_a_guest_answers_through_the_signed_link(client, campaign, facilitator, on_commit):
    item = on_commit(submit, campaign)  # a guest, waiting for email confirmation
    item.status = Contribution.Status.SUBMITTED
    item.save()
    mail.outbox.clear()
    on_commit(
        contribution_decide,
        item=item,
        moderator=facilitator,
        status=Contribution.Status.NEEDS_INFO,
        message="Une photo de près ?",
    )
    (message,) = mail.outbox
    (link,) = [url for url in links_in(message) if "jeton=" in url]
    assert client.get(link).status_code == 200
    response = client.post(
        link,
        {
            "message": "Voici une photo du bassin.",
            "title": "Lavoir de la Fontaine",
            "description": "",
            "address": "",
            "photos": [photo("bassin.jpg")],
            "q_siecle": "XVIIIe siècle",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Contribution.Status.SUBMITTED
    assert item.title == "Lavoir de la Fontaine"
    assert item.values["siecle"] == "XVIIIe siècle"
    assert item.photos.count() == 2
    answer = item.events.get(kind=ContributionEvent.Kind.ANSWERED)
    assert answer.message == "Voici une photo du bassin."
    assert answer.changes["title"] == ["Lavoir", "Lavoir de la Fontaine"]
    # The link cannot be used on another item, nor once answered.
    other = submit(campaign)
    forged = link.replace(f"/fiches/{item.pk}/", f"/fiches/{other.pk}/")
    assert client.get(forged).status_code == 400
    assert client.get(link).status_code == 302


def test_list_filters_by_category_commune_and_period(client, campaign, facilitator):
    published(campaign, facilitator, title="Lavoir A", values={"siecle": "XIXe siècle"})
    published(campaign, facilitator, title="Lavoir B", values={"siecle": "XVIIe siècle"})
    croix = campaign.categories.get(merimee_denomination="croix")
    published(campaign, facilitator, title="Croix C", category=croix)
    url = reverse("inventories:items", kwargs={"slug": campaign.slug})
    page = client.get(url, {"category": "lavoir"}).content.decode()
    assert "Lavoir A" in page and "Lavoir B" in page and "Croix C" not in page
    page = client.get(url, {"period": "XIX"}).content.decode()
    assert "Lavoir A" in page and "Lavoir B" not in page
    page = client.get(url, {"commune": "30189"}).content.decode()
    assert "Croix C" in page
    page = client.get(url, {"commune": "99999"}).content.decode()
    assert "Croix C" in page  # an unknown commune is ignored, with the whole list shown


def test_the_list_and_the_campaign_page_show_undated_items_last(client, campaign, facilitator):
    """Items published without a date (an import's) come after the dated ones, newest
    first, on both databases (PostgreSQL would put them first in a descending order)."""
    older = published(campaign, facilitator, title="Lavoir ancien")
    newer = published(campaign, facilitator, title="Lavoir récent", lon=LON + 0.001)
    undated = published(campaign, facilitator, title="Lavoir importé", lon=LON + 0.002)
    Contribution.objects.filter(pk=undated.pk).update(validated_at=None)
    Contribution.objects.filter(pk=older.pk).update(
        validated_at=newer.validated_at - datetime.timedelta(days=1)
    )
    for url in (
        reverse("inventories:items", kwargs={"slug": campaign.slug}),
        reverse("inventories:campaign", args=[campaign.slug]),
    ):
        page = client.get(url).content.decode()
        assert (
            page.index("Lavoir récent") < page.index("Lavoir ancien") < page.index("Lavoir importé")
        ), url


def test_a_kept_card_shows_every_change_at_once(client, campaign, facilitator):
    """Item cards are rendered once per state and kept (core.cards): a change the item's
    date does not see — its category renamed, its commune's name, a title written by
    `update()` — still shows at once on the list and the campaign page."""
    item = published(campaign, facilitator, title="Lavoir du bas")
    urls = (
        reverse("inventories:items", kwargs={"slug": campaign.slug}),
        reverse("inventories:campaign", args=[campaign.slug]),
    )
    for url in urls:
        assert "Lavoir du bas" in client.get(url).content.decode()
    item.category.__class__.objects.filter(pk=item.category_id).update(name="Lavoir-fontaine")
    Contribution.objects.filter(pk=item.pk).update(title="Lavoir du haut")
    item.commune.__class__.objects.filter(pk=item.commune_id).update(name="Nemausus")
    for url in urls:
        page = client.get(url).content.decode()
        assert "Lavoir du haut" in page and "Lavoir du bas" not in page, url
        assert "Lavoir-fontaine · Nemausus" in page, url


def test_a_card_shows_the_item_s_first_photo(client, campaign, facilitator):
    """The first photo in the item's order, read with the item (`for_cards`): another
    order or no photo left shows at once on the list and the campaign page."""
    item = published(campaign, facilitator, photos=[a_photo(), a_photo()])
    first, second = Photo.objects.filter(contribution=item).order_by("position", "pk")
    bare = published(campaign, facilitator, title="Sans photo")
    Photo.objects.filter(contribution=bare).delete()
    urls = (
        reverse("inventories:items", kwargs={"slug": campaign.slug}),
        reverse("inventories:campaign", args=[campaign.slug]),
    )

    def thumbnails(url: str) -> list[str]:
        page = client.get(url).content.decode()
        assert bare.title in page
        return re.findall(r'<img src="([^"]+)" alt="" width="120" height="90"', page)

    for url in urls:
        assert thumbnails(url) == [first.thumbnail_url], url
    Photo.objects.filter(pk=second.pk).update(position=0)
    Photo.objects.filter(pk=first.pk).update(position=1)
    for url in urls:
        assert thumbnails(url) == [second.thumbnail_url], url
    Photo.objects.filter(contribution=item).delete()
    for url in urls:
        assert thumbnails(url) == [], url


@pytest.mark.parametrize("page_name", ["inventories:items", "inventories:map"])
def test_the_kept_filters_show_a_new_category_and_the_choice_at_once(client, campaign, page_name):
    """The filter fields of the list and the map are kept per state
    (core.cards.rendered_fields): a new category, a renamed commune and the visitor's
    choice show at once."""
    url = reverse(page_name, kwargs={"slug": campaign.slug})
    assert ">Glacière</option>" not in client.get(url).content.decode()
    campaign.categories.create(name="Glacière", slug="glaciere")
    commune = campaign.communes.first()
    type(commune).objects.filter(pk=commune.pk).update(name="Nemausus")

    page = client.get(url).content.decode()
    chosen = client.get(url, {"category": "glaciere"}).content.decode()

    assert ">Glacière</option>" in page and ">Nemausus</option>" in page
    assert 'value="glaciere" selected' in chosen and 'value="glaciere" selected' not in page


def test_the_filters_list_the_categories_in_the_campaign_s_order(client, campaign):
    """The category filter of the list offers the categories as the campaign orders
    them (their position, then their name), not by slug or by creation."""
    campaign.categories.all().delete()
    for position, (name, slug) in enumerate(
        [("Puits", "a-puits"), ("Croix", "c-croix"), ("Lavoir", "b-lavoir")]
    ):
        campaign.categories.create(name=name, slug=slug, position=position)
    url = reverse("inventories:items", kwargs={"slug": campaign.slug})

    page = client.get(url).content.decode()

    offered = re.findall(r'<option value="([a-z-]+)"', page)
    assert [slug for slug in offered if slug in {"a-puits", "b-lavoir", "c-croix"}] == [
        "a-puits",
        "c-croix",
        "b-lavoir",
    ]


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow(client, campaign, facilitator, count, django_assert_num_queries):
    for n in range(count):
        published(campaign, facilitator, title=f"Lavoir {n}", lon=LON + n * 0.0005)
    url = reverse("inventories:items", kwargs={"slug": campaign.slug})
    # The campaign; the filters' categories, communes and period field in one query
    # (`Campaign.filter_choices`); the count, from the map's cells; the page of items.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200


def test_an_obscured_item_shows_only_a_rounded_place_to_the_public(client, campaign, facilitator):
    item = published(campaign, facilitator, obscure_location=True, address="12 rue Secrète")
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    public = client.get(url).content.decode()
    assert "12 rue Secrète" not in public
    assert f"{LAT:.5f}" not in public and f"{LAT:.2f}" in public
    assert "lieu exact n’est pas montré" in public
    client.force_login(facilitator)
    staff = client.get(url).content.decode()
    assert "12 rue Secrète" in staff
    assert f"{LAT:.5f}" in staff


def test_the_item_page_map_link_centres_the_map_on_the_public_point(client, campaign, facilitator):
    item = published(campaign, facilitator, obscure_location=True)
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    map_url = reverse("inventories:map", kwargs={"slug": campaign.slug})
    lon, lat = item.public_point()
    link = f'href="{map_url}#map=17/{lat:.5f}/{lon:.5f}"'
    assert link in client.get(url).content.decode()
    # The team sees the exact place on the page, but a map address may be shared: the
    # link still gives the public point.
    client.force_login(facilitator)
    staff = client.get(url).content.decode()
    assert link in staff
    assert f"#map=17/{item.latitude:.5f}" not in staff


def test_item_page_gives_credits_licence_history_and_permalink(client, campaign, facilitator):
    item = published(campaign, facilitator, show_contributor=False, values={"siecle": "XIXe"})
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    page = client.get(url).content.decode()
    assert "Jeanne D." in page  # the photo's credit
    assert "Licence Ouverte" in page
    assert "anonyme" in page
    assert "XIXe" in page
    assert "vérifiée et publiée" in page
    assert f"http://testserver{url}" in page


def test_a_merged_duplicate_leads_to_the_item_kept(client, campaign, facilitator):
    kept = published(campaign, facilitator)
    duplicate = published(campaign, facilitator)
    duplicate.merged_into = kept
    duplicate.status = Contribution.Status.ARCHIVED
    duplicate.save()
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": duplicate.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.endswith(f"/fiches/{kept.pk}/")


def test_a_hidden_place_is_not_revealed_by_the_duplicate_warning(client, campaign, facilitator):
    published(campaign, facilitator, title="Puits secret", lat=LAT_30M, obscure_location=True)
    url = reverse("inventories:nearby", kwargs={"slug": campaign.slug})
    query = {"category": lavoir(campaign).pk, "longitude": LON, "latitude": LAT}
    assert "Puits secret" not in client.get(url, query).content.decode()
    client.force_login(facilitator)
    assert "Puits secret" in client.get(url, query).content.decode()


def test_deleting_a_campaign_takes_its_items_along(campaign, facilitator):
    published(campaign, facilitator)
    campaign.project.delete()
    assert not Contribution.objects.exists()


def test_a_50_mb_photo_is_refused_with_a_clear_message(client, campaign):
    big = jpeg_bytes((64, 64)) + b"\x00" * (50 * 1024 * 1024)
    response = client.post(
        contribute_url(campaign), form_data(campaign, photos=[photo("IMG_9999.jpg", big)])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "IMG_9999.jpg" in page and "Mo" in page
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("image_format", "mode"), [("PNG", "1"), ("JPEG", "L")], ids=["png", "jpeg"]
)
def test_a_50_megapixel_photo_is_refused_with_a_clear_message(
    client, in_english, campaign, media, image_format, mode
):
    """Above the 40 million pixels of the pipeline, below Pillow's own bomb limit
    (89 million): a form error, not a 500, and nothing kept (issue #11, point 7)."""
    buffer = io.BytesIO()
    Image.new(mode, (8000, 6250)).save(buffer, format=image_format)  # small on disk
    upload = photo(f"IMG_0050.{image_format.lower()}", buffer.getvalue())

    response = client.post(contribute_url(campaign), form_data(campaign, photos=[upload]))

    assert response.status_code == 200
    [error] = response.context["form"].errors["photos"]
    assert error.startswith(f"IMG_0050.{image_format.lower()} : ")
    assert "(50 million). The limit is 40 million" in error
    assert not Contribution.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_the_duplicate_warning_shows_no_item_before_moderation(client, campaign, facilitator):
    """An item waiting for moderation is nobody's business but its contributor's and the
    moderators': the public warning does not name it, nor how far it is."""
    contributor = UserFactory()
    submit(campaign, contributor=contributor, title="Lavoir pas encore vu", lat=LAT_30M)
    submit(campaign, contributor=UserFactory(), title="Lavoir de quelqu’un", lat=LAT_30M)
    published(campaign, facilitator, title="Lavoir publié", lat=LAT_30M)
    url = reverse("inventories:nearby", kwargs={"slug": campaign.slug})
    query = {"category": lavoir(campaign).pk, "longitude": LON, "latitude": LAT}

    def names(who) -> list[str]:
        client.logout()
        if who is not None:
            client.force_login(who)
        page = client.get(url, query).content.decode()
        return [
            t for t in ["Lavoir pas encore vu", "Lavoir de quelqu’un", "Lavoir publié"] if t in page
        ]

    assert names(None) == ["Lavoir publié"]
    assert names(UserFactory()) == ["Lavoir publié"]
    assert names(contributor) == ["Lavoir pas encore vu", "Lavoir publié"]
    assert names(facilitator) == ["Lavoir pas encore vu", "Lavoir de quelqu’un", "Lavoir publié"]


def test_the_form_s_duplicate_refusal_names_no_item_before_moderation(client, campaign):
    submit(campaign, contributor=UserFactory(), title="Lavoir pas encore vu", lat=LAT_30M)
    response = client.post(contribute_url(campaign), form_data(campaign, latitude=LAT))
    page = response.content.decode()
    assert "Lavoir pas encore vu" not in page


def test_only_the_contribution_form_may_ask_for_the_position(client, campaign):
    policy = client.get(contribute_url(campaign))["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy and "microphone=()" in policy
    campaign_page = client.get(reverse("inventories:campaign", kwargs={"slug": campaign.slug}))
    assert "geolocation=()" in campaign_page["Permissions-Policy"]


def test_the_form_s_help_is_in_the_reader_s_language(client, campaign, settings):
    """The photos' help was made when the module loaded, in French, whatever the reader's
    language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(contribute_url(campaign)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(contribute_url(campaign)).content.decode()

    assert "up to 15 MB each" in english and "jusqu’à 15" not in english
    assert "jusqu’à 15 Mo chacune" in french


def test_the_same_form_sent_twice_makes_one_item(client, campaign, committed):
    """A double tap, or a reload on a slow network, sends the form again."""
    client = committed(client)
    page = client.get(contribute_url(campaign)).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert key is not None
    data = form_data(campaign, submission_key=key.group(1))

    first = client.post(contribute_url(campaign), data)
    data["photos"] = [photo()]  # a new upload of the same file, as the browser sends it
    second = client.post(contribute_url(campaign), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contribution.objects.count() == 1
    assert len(mail.outbox) == 1  # one confirmation email
    # Another form (another key) is another item.
    other = client.get(contribute_url(campaign)).content.decode()
    assert key.group(1) not in other
