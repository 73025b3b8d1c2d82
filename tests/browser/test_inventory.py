"""The heritage inventory end to end, as people do it: an inhabitant contributes from a
phone, confirms by email, a facilitator validates, the item is published; and the
contribution form without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tissage.inventories.models import Contribution

from .helpers import PHONE, PHONE_390, next_step, previous_step

pytestmark = pytest.mark.browser

CONFIRM_RE = re.compile(r"https?://\S+/inventaires/confirmer/\S+/")


def photo_with_gps(path) -> str:
    """A phone photo: JPEG with GPS coordinates in its EXIF."""
    image = Image.new("RGB", (1600, 1200), "#8a7f6a")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (44.0, 3.0, 0.0)
    gps[3], gps[4] = "E", (5.0, 3.0, 0.0)
    target = path / "IMG_2041.jpg"
    image.save(target, format="JPEG", exif=exif)
    return str(target)


def fill_in_as_a_guest(phone, tmp_path) -> None:
    """A guest fills the contribution form in its steps on a phone, up to Send; the photo
    (with its GPS) is kept by the server as soon as it is chosen."""
    phone.locator("#id_longitude").fill("5.05")
    phone.locator("#id_latitude").fill("44.05")
    next_step(phone)
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    next_step(phone)
    phone.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))
    expect(phone.locator("#staged-photos .staged-name")).to_have_text("IMG_2041.jpg")
    next_step(phone)
    phone.locator("#id_guest_name").fill("Jeanne Martin")
    phone.locator("#id_guest_email").fill("jeanne@example.org")


def test_an_inhabitant_contributes_from_a_phone_and_sees_the_item_published(
    new_context, new_page, visit, check_page, sign_in_as, world, campaign, tmp_path
):
    # The poster's link leads to the campaign page.
    phone = new_page(new_context(**PHONE))
    campaign_url = reverse("inventories:campaign", kwargs={"slug": campaign.slug})
    visit(phone, campaign_url)
    expect(phone.locator("h1")).to_have_text("Petit patrimoine des vergers")
    phone.get_by_role("link", name="Contribuer", exact=True).click()
    expect(phone).to_have_url(
        re.compile(re.escape(reverse("inventories:contribute", kwargs={"slug": campaign.slug})))
    )
    check_page(phone)

    # Where: a tap on the map fills in the coordinates.
    map_box = phone.locator("[data-location-picker] .leaflet-container")
    expect(map_box).to_be_visible()
    box = map_box.bounding_box()
    assert box is not None
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(phone.locator("#id_longitude")).not_to_have_value("")
    expect(phone.locator("#id_latitude")).not_to_have_value("")
    # What, photos, who: a step each on a phone.
    next_step(phone)
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    phone.locator("#id_description").fill("Bassin couvert, toit de tuiles.")
    next_step(phone)
    phone.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))
    next_step(phone)
    phone.locator("#id_guest_name").fill("Jeanne Martin")
    phone.locator("#id_guest_email").fill("jeanne@example.org")
    check_page(phone)
    phone.get_by_role("button", name="Envoyer").click()
    expect(phone).to_have_url(re.compile(re.escape(campaign_url) + "$"))
    expect(phone.locator("[role=status]")).to_contain_text("jeanne@example.org")
    check_page(phone)

    item = Contribution.objects.get()
    assert item.status == Contribution.Status.AWAITING_EMAIL
    assert item.commune.insee_code == "26001"
    stored = Image.open(item.photos.get().image.path)
    assert not stored.getexif(), "the stored photo must carry no EXIF at all"

    # The email confirmation.
    (confirmation,) = [m for m in mail.outbox if m.to == ["jeanne@example.org"]]
    link = CONFIRM_RE.search(confirmation.body)
    assert link, confirmation.body
    visit(phone, link.group(0).replace("http://testserver", ""))
    expect(phone.locator("[role=status]")).to_contain_text("confirmée")
    item.refresh_from_db()
    assert item.status == Contribution.Status.SUBMITTED

    # A facilitator validates it from the moderation queue.
    desk = new_context()
    sign_in_as(desk, world.facilitator)
    staff = new_page(desk)
    visit(staff, reverse("inventories:queue", kwargs={"slug": campaign.slug}))
    staff.get_by_role("link", name="Lavoir du Grand Pré").click()
    check_page(staff)
    staff.locator("input[name=status][value=validated]").check()
    staff.locator("form:has(input[name=status]) [type=submit]").click()
    check_page(staff)
    item.refresh_from_db()
    assert item.status == Contribution.Status.VALIDATED

    decisions = [m for m in mail.outbox if m.to == ["jeanne@example.org"]][1:]
    assert len(decisions) == 1 and "publiée" in decisions[0].subject

    # The inhabitant sees it published, with the photo's credit and the licence.
    item_url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    visit(phone, item_url)
    expect(phone.locator("h1")).to_have_text("Lavoir du Grand Pré")
    expect(phone.locator("main")).to_contain_text("Jeanne Martin")
    expect(phone.locator("main")).to_contain_text("Licence Ouverte")
    visit(phone, reverse("inventories:items", kwargs={"slug": campaign.slug}))
    expect(phone.get_by_role("link", name="Lavoir du Grand Pré")).to_be_visible()
    visit(phone, reverse("inventories:map", kwargs={"slug": campaign.slug}))


def test_the_contribution_form_works_without_javascript(
    new_context, new_page, visit, check_page, world, campaign, tmp_path
):
    page = new_page(new_context(java_script_enabled=False, **PHONE))
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    visit(page, url)
    # A mistake first: no place given.
    page.locator("#id_category").select_option(label="Croix")
    page.locator("#id_title").fill("Croix de la Bâtie")
    page.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))
    page.locator("#id_guest_name").fill("Marcel")
    page.locator("#id_guest_email").fill("marcel@example.org")
    page.get_by_role("button", name="Envoyer").click()
    check_page(page)
    expect(page.locator(".error-summary")).to_contain_text("Dites où il se trouve")
    assert not Contribution.objects.exists()
    # Then the commune and the place, as someone without GPS would.
    page.locator("#id_commune").select_option(label="Albon (26)")
    page.locator("#id_address").fill("croisement de la route de la Bâtie")
    page.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))
    page.get_by_role("button", name="Envoyer").click()
    check_page(page)
    expect(page.locator("[role=status]")).to_contain_text("marcel@example.org")
    item = Contribution.objects.get()
    assert item.location_approximate
    assert item.commune.insee_code == "26001"
    assert mail.outbox[-1].to == ["marcel@example.org"]


def test_the_duplicate_warning_appears_while_filling_the_form(
    new_context, new_page, visit, check_page, world, campaign
):
    from tissage.inventories.contributions.services import contribution_submit
    from tissage.inventories.moderation.services import contribution_decide
    from tissage.inventories.tests.helpers import a_photo

    existing = contribution_submit(
        campaign=campaign,
        category=campaign.categories.get(merimee_denomination="lavoir"),
        title="Lavoir des Saules",
        lon=5.05,
        lat=44.05,
        photos=[a_photo()],
        contributor=world.participant,
    )
    contribution_decide(
        item=existing, moderator=world.facilitator, status="validated", notify=False
    )
    page = new_page(new_context(**PHONE))
    visit(page, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    page.locator("#id_longitude").fill("5.05")
    # About 30 m north of the existing wash-house.
    page.locator("#id_latitude").fill("44.05027")
    next_step(page)
    page.locator("#id_category").select_option(label="Lavoir")
    warning = page.locator("#nearby")
    expect(warning).to_contain_text("Lavoir des Saules")
    expect(warning.get_by_role("link", name="Lavoir des Saules")).to_be_visible()
    check_page(page)
    # 200 m away: no warning.
    previous_step(page)
    page.locator("#id_latitude").fill("44.0518")
    page.locator("#id_latitude").press("Tab")
    next_step(page)
    expect(warning).not_to_contain_text("Lavoir des Saules")


def test_a_point_pasted_from_a_map_app_fills_both_boxes(
    new_context, new_page, visit, check_page, campaign
):
    page = new_page(new_context(**PHONE))
    visit(page, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    latitude, longitude = page.locator("#id_latitude"), page.locator("#id_longitude")

    latitude.fill("44.0503, 5.0501")  # as Google Maps or OpenStreetMap copy a point
    latitude.press("Tab")

    expect(latitude).to_have_value("44.0503")
    expect(longitude).to_have_value("5.0501")
    expect(page.locator(".picker-marker")).to_be_visible()
    check_page(page)


def test_the_send_button_says_the_form_is_on_its_way_and_takes_no_second_tap(
    new_context, new_page, visit, check_page, campaign, tmp_path
):
    phone = new_page(new_context(**PHONE))
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    visit(phone, url)
    fill_in_as_a_guest(phone, tmp_path)
    check_page(phone)
    # The page as it is while a slow network carries the photos: the form's sending is
    # counted and stopped here, after the page's own handlers saw it.
    phone.evaluate(
        """() => {
          window.sendings = 0;
          document.querySelector(".contribute-form").addEventListener("submit", (event) => {
            event.preventDefault();
            window.sendings += 1;
          });
        }"""
    )

    phone.get_by_role("button", name="Envoyer").click()

    sending = phone.locator(".contribute-form button[type=submit]")
    expect(sending).to_be_disabled()
    expect(sending).to_have_text(re.compile(r"Envoi en cours|Sending"))
    sending.click(force=True)  # a second tap
    assert phone.evaluate("() => window.sendings") == 1
    check_page(phone)


def test_the_photo_s_place_is_offered_and_used_only_when_asked(
    new_context, new_page, visit, check_page, campaign, tmp_path
):
    phone = new_page(new_context(**PHONE_390))
    visit(phone, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    latitude, longitude = phone.locator("#id_latitude"), phone.locator("#id_longitude")
    # On a phone, the photos are the third step (the second asks what it is first).
    next_step(phone)
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    next_step(phone)

    phone.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))  # N 44 3' E 5 3'

    offer = phone.get_by_role("button", name=re.compile("lieu où la photo|place where the photo"))
    expect(offer).to_be_visible()
    expect(latitude).to_have_value("")  # nothing taken without asking
    check_page(phone)
    offer.click()
    expect(latitude).to_have_value("44.050000")
    expect(longitude).to_have_value("5.050000")
    # On a phone, the step of the place is shown again, the point on its map.
    expect(latitude).to_be_focused()
    expect(phone.locator(".picker-marker")).to_be_visible()
    expect(offer).to_be_hidden()


def test_a_photo_without_a_place_offers_nothing(new_context, new_page, visit, campaign, tmp_path):
    phone = new_page(new_context(**PHONE))
    visit(phone, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    next_step(phone)
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    next_step(phone)  # the photos, in sight
    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (64, 48), "#8a7f6a").save(plain, format="JPEG")

    phone.locator("#id_photos").set_input_files(str(plain))

    phone.wait_for_timeout(300)
    assert not phone.locator(".photo-place").is_visible()


def test_the_place_help_speaks_of_the_map_only_where_there_is_one(
    new_context, new_page, visit, campaign
):
    """Issue #13: "Touchez la carte" was written on the page without JavaScript, which
    has no map."""
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    help_text = "[data-location-picker] p.help[data-with-map]"

    with_script = new_page(new_context(**PHONE))
    visit(with_script, url)
    expect(with_script.locator(help_text)).to_contain_text("Touchez la carte")

    without = new_page(new_context(java_script_enabled=False, **PHONE))
    visit(without, url)
    expect(without.locator(help_text)).not_to_contain_text("Touchez la carte")
    expect(without.locator(help_text)).to_contain_text("Tapez les coordonnées")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_photos_are_still_there_when_the_form_comes_back_with_an_error(
    new_context, new_page, visit, check_page, campaign, tmp_path, javascript
):
    """Issue #13: an error used to return the form with the file input empty and no word
    about it; on a weak connection people gave up. The photo is kept, shown, and the
    second sending needs no new upload. Coordinates are typed with a decimal comma."""
    phone = new_page(new_context(java_script_enabled=javascript, **PHONE_390))
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    visit(phone, url)

    def step() -> None:
        if javascript:  # the form goes in steps on a phone
            next_step(phone)

    phone.locator("#id_latitude").fill("44,0503")
    phone.locator("#id_longitude").fill("5,2")  # a slip: outside the campaign's commune
    step()
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    step()
    phone.locator("#id_photos").set_input_files(photo_with_gps(tmp_path))
    if javascript:
        # Sent as soon as chosen, while the person goes on filling in the form.
        expect(phone.locator("#staged-photos .staged-name")).to_have_text("IMG_2041.jpg")
        expect(phone.locator("#id_photos")).to_have_value("")
        # The box below is for more photos now: the one chosen is not lost.
        expect(phone.locator("label[for=id_photos]")).to_have_text("D’autres photos (facultatif) :")
        check_page(phone)
    step()
    phone.locator("#id_guest_name").fill("Jeanne Martin")
    phone.locator("#id_guest_email").fill("jeanne@example.org")
    phone.get_by_role("button", name="Envoyer").click()

    check_page(phone)
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("en dehors des communes")
    expect(summary).to_contain_text("Votre photo est gardée")
    expect(phone.locator("#staged-photos .staged-name")).to_have_text("IMG_2041.jpg")
    thumbnail = phone.locator("#staged-photos img").get_attribute("src")
    assert thumbnail is not None
    shown = phone.request.get(thumbnail)
    assert shown.status == 200 and shown.headers["content-type"] == "image/webp"
    assert not Contribution.objects.exists()

    # The slip corrected (the place's step is the one shown); no photo chosen again.
    phone.locator("#id_longitude").fill("5,0501")
    for _ in range(3):
        step()
    phone.get_by_role("button", name="Envoyer").click()

    check_page(phone)
    expect(phone.locator("[role=status]")).to_contain_text("jeanne@example.org")
    item = Contribution.objects.get()
    assert (round(item.latitude, 4), round(item.longitude, 4)) == (44.0503, 5.0501)
    assert item.photos.count() == 1


def test_a_photo_is_made_smaller_in_the_browser_before_it_is_sent(
    new_context, new_page, visit, campaign, tmp_path
):
    """On a rural network every byte counts: a 4000 px photo leaves the phone at the
    2048 px the server keeps, with a progress bar while it goes."""
    phone = new_page(new_context(**PHONE_390))
    visit(phone, reverse("inventories:contribute", kwargs={"slug": campaign.slug}))
    big = tmp_path / "big.jpg"
    Image.effect_noise((4000, 3000), 64).convert("RGB").save(big, format="JPEG", quality=95)

    next_step(phone)
    phone.locator("#id_category").select_option(label="Lavoir")
    phone.locator("#id_title").fill("Lavoir du Grand Pré")
    next_step(phone)
    with phone.expect_request(re.compile(r"/photos-gardees/$")) as sent:
        phone.locator("#id_photos").set_input_files(str(big))

    body = sent.value.post_data_buffer or b""
    assert len(body) < big.stat().st_size / 2, (len(body), big.stat().st_size)
    expect(phone.locator("#staged-photos .staged-name")).to_have_text("big.jpg")
    assert phone.locator("progress.photo-progress").count() == 1


def test_the_same_form_sent_twice_makes_one_item(
    new_context, new_page, visit, check_page, campaign, tmp_path
):
    """A double tap or a reload sends the same form twice: one item (its key)."""
    phone = new_page(new_context(**PHONE_390))
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    visit(phone, url)
    fill_in_as_a_guest(phone, tmp_path)
    check_page(phone)

    # The form's data sent twice at once, as a double tap on a slow network does.
    landed = phone.evaluate(
        """async () => {
          const form = document.querySelector(".contribute-form");
          const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
          const answers = await Promise.all([send(), send()]);
          return answers.map((answer) => [answer.status, answer.url]);
        }"""
    )

    assert landed[0] == landed[1], landed
    assert landed[0][0] == 200
    assert Contribution.objects.count() == 1
    assert Contribution.objects.get().photos.count() == 1
    assert len([m for m in mail.outbox if m.to == ["jeanne@example.org"]]) == 1
