"""Covers and sharing (issue #14): covers taken in the edit forms of campaigns, actions and
collectives, shown on every kind of card with a drawn fallback; link previews (Open
Graph, Twitter cards) and the share block on the public pages of a project, an action, a
campaign and an item.

Through the HTTP interface; pages asked for in English (the language cookie)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tissage.actions.tests.helpers import an_action
from tissage.actions.tests.manage.test_edit import edit_data
from tissage.collectives.tests.factories import CollectiveFactory, user_for_role
from tissage.core.covers import COVER_MAX_SIDE
from tissage.core.tests.factories import ProjectFactory, UserFactory, user_with_role
from tissage.core.tests.pictures import assert_no_metadata, jpeg_with_everything
from tissage.inventories.tests.helpers import a_photo, heritage_campaign, published
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parents[2] / "assets" / "css" / "tissage.css"


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="JPEG")
    return buffer.getvalue()


def with_cover(row, alt: str = "Une haie au printemps"):
    row.cover.save("cover.jpg", ContentFile(jpeg()), save=False)
    row.cover_alt = alt
    row.save(update_fields=["cover", "cover_alt"])
    return row


def imgs(page: str) -> list[str]:
    return re.findall(r"<img [^>]*>", page)


# --- Taken in the edit forms ------------------------------------------------------------


def test_a_campaign_cover_needs_its_description_then_is_resized_and_removed(
    client, in_english, django_capture_on_commit_callbacks
):
    campaign = heritage_campaign()
    client.force_login(user_with_role("project_facilitator", campaign.project))
    url = reverse("inventories:campaign_edit", kwargs={"slug": campaign.slug})
    data = {
        "title": campaign.title,
        "starts_on": campaign.starts_on.isoformat(),
        "licence": campaign.licence,
    }
    refused = client.post(url, {**data, "cover": SimpleUploadedFile("a.jpg", jpeg((3000, 2000)))})
    assert refused.status_code == 200
    assert "Describe the picture in a few words." in refused.content.decode()
    campaign.refresh_from_db()
    assert not campaign.cover

    taken = client.post(
        url,
        {
            **data,
            "cover_alt": " Un lavoir ",
            "cover": SimpleUploadedFile("IMG_1.jpg", jpeg((3000, 2000))),
        },
    )
    assert taken.status_code == 302
    campaign.refresh_from_db()
    assert campaign.cover_alt == "Un lavoir"
    assert campaign.cover.name.startswith("inventories/covers/")
    assert "IMG_1" not in campaign.cover.name
    with Image.open(campaign.cover.path) as stored:
        assert max(stored.size) == COVER_MAX_SIDE

    # The page shows it with a box to remove it; ticking the box removes both.
    page = client.get(url).content.decode()
    assert 'name="cover-clear"' in page
    old = Path(campaign.cover.path)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "cover_alt": "Un lavoir", "cover-clear": "on"})
    campaign.refresh_from_db()
    assert not campaign.cover and campaign.cover_alt == ""
    assert not old.exists()


def test_an_action_cover_alone_is_a_change_saved(client, in_english):
    action = an_action(ProjectFactory())
    client.force_login(user_with_role("project_facilitator", action.project))
    response = client.post(
        reverse("actions:edit", kwargs={"slug": action.slug}),
        {
            **edit_data(action),
            "cover_alt": "Des plants",
            "cover": SimpleUploadedFile("p.jpg", jpeg_with_everything()),
        },
        follow=True,
    )
    assert "The changes are saved." in response.content.decode()
    action.refresh_from_db()
    assert action.cover_alt == "Des plants"
    assert_no_metadata(action.cover.read())


def test_new_actions_and_campaigns_and_collectives_take_no_cover_yet(client, in_english):
    project = ProjectFactory()
    client.force_login(user_with_role("project_facilitator", project))
    for url in (
        reverse("actions:create", kwargs={"project_slug": project.slug}),
        reverse("inventories:campaign_create", args=[project.slug]),
    ):
        assert 'name="cover"' not in client.get(url).content.decode()


def test_a_collective_cover_is_set_in_its_settings(client, in_english):
    collective = CollectiveFactory()
    client.force_login(user_for_role("coordinator", collective))
    url = reverse("collectives:settings", args=[collective.slug])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": collective.name,
            "admission": collective.admission,
            "archive_visibility": collective.archive_visibility,
            "cover_alt": "Le jardin partagé",
            "cover": SimpleUploadedFile("j.png", jpeg()),
        },
    )
    assert response.status_code == 302
    collective.refresh_from_db()
    assert collective.cover and collective.cover_alt == "Le jardin partagé"


# --- On the cards -----------------------------------------------------------------------


def test_a_project_card_shows_its_cover_light_and_sized(client, in_english):
    with_cover(ProjectFactory(title="Haies"))
    page = client.get(reverse("projects:home")).content.decode()
    [img] = [tag for tag in imgs(page) if "card-cover" in tag]
    for attribute in (
        'alt="Une haie au printemps"',
        'width="400"',
        'height="225"',
        'loading="lazy"',
    ):
        assert attribute in img
    assert 'src="/media/projects/covers/' in img


def test_a_card_without_any_cover_draws_its_kind_and_never_a_broken_image(client, in_english):
    project = ProjectFactory()
    an_action(project)
    CollectiveFactory()
    heritage_campaign(project=project)
    pages = {
        "project": client.get(reverse("projects:home")),
        "action": client.get(reverse("actions:agenda")),
        "collective": client.get(reverse("collectives:list")),
        "campaign": client.get(project.get_absolute_url()),
    }
    for kind, response in pages.items():
        page = response.content.decode()
        assert (
            f'class="card-cover card-cover-fallback card-cover-{kind}" aria-hidden="true"><svg'
            in page
        ), kind
        assert not [tag for tag in imgs(page) if "card-cover" in tag], kind


def test_an_action_and_a_campaign_without_their_own_cover_show_their_projects(client, in_english):
    project = with_cover(ProjectFactory(), alt="Le verger")
    action = an_action(project)
    heritage_campaign(project=project)
    agenda = client.get(reverse("actions:agenda")).content.decode()
    detail = client.get(project.get_absolute_url()).content.decode()
    assert any('alt="Le verger"' in tag for tag in imgs(agenda))
    # Their own, once they have one.
    with_cover(action, alt="La plantation")
    agenda = client.get(reverse("actions:agenda")).content.decode()
    assert any('alt="La plantation"' in tag for tag in imgs(agenda))
    assert sum('alt="Le verger"' in tag for tag in imgs(detail) if "card-cover" in tag) == 1


def test_the_fallback_colours_hold_white_at_aa():
    css = CSS.read_text()

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    colours = dict(
        re.findall(r"--cover-(project|campaign|action|collective):\s*(#[0-9a-fA-F]{6})", css)
    )
    assert set(colours) == {"project", "campaign", "action", "collective"}
    for kind, colour in colours.items():
        assert (1.05) / (luminance(colour) + 0.05) >= 4.5, kind


# --- Link previews and the share block ---------------------------------------------------


def meta(page: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    return found.group(1) if found else None


def test_a_project_page_has_absolute_previews_with_its_cover(client, in_english):
    project = with_cover(ProjectFactory(title="Haies du Gard", summary="Planter des haies."))
    page = client.get(project.get_absolute_url()).content.decode()
    assert meta(page, "og:title") == "Haies du Gard"
    assert meta(page, "og:description") == "Planter des haies."
    assert meta(page, "og:url") == f"http://testserver{project.get_absolute_url()}"
    assert meta(page, "og:image") == f"http://testserver{project.cover.url}"
    assert meta(page, "og:image:alt") == "Une haie au printemps"
    assert meta(page, "twitter:card") == "summary_large_image"


def test_an_action_page_previews_its_projects_cover_and_shares(client, in_english):
    project = with_cover(ProjectFactory())
    action = an_action(project)
    url = reverse("actions:detail", kwargs={"slug": action.slug})
    page = client.get(url).content.decode()
    assert meta(page, "og:url") == f"http://testserver{url}"
    assert meta(page, "og:image") == f"http://testserver{project.cover.url}"
    assert project.title in meta(page, "og:description")
    assert 'id="share-title"' in page


def test_a_campaign_page_without_any_cover_is_a_summary_card(client, in_english):
    campaign = heritage_campaign()
    url = reverse("inventories:campaign", kwargs={"slug": campaign.slug})
    page = client.get(url).content.decode()
    assert meta(page, "og:url") == f"http://testserver{url}"
    assert meta(page, "og:image") is None
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "og:description") == f"Participatory inventory: {campaign.title}"


def test_a_published_item_previews_its_first_photo(client, in_english):
    campaign = heritage_campaign()
    item = published(campaign, UserFactory(), photos=[a_photo(), a_photo("Paul")])
    first = item.photos.order_by("position", "pk").first()
    page = client.get(item.get_absolute_url()).content.decode()
    assert meta(page, "og:image") == f"http://testserver{first.image_url}"
    assert meta(page, "og:url") == f"http://testserver{item.get_absolute_url()}"


def test_the_share_block_works_without_javascript(client, in_english):
    project = ProjectFactory(title="Haies & vergers")
    page = client.get(project.get_absolute_url()).content.decode()
    absolute = f"http://testserver{project.get_absolute_url()}"
    # The link itself, to copy by hand.
    assert f'id="share-link" class="share-link" type="text" value="{absolute}" readonly' in page
    # Email: the title as subject, the link as body, both encoded.
    assert (
        'href="mailto:?subject=Haies%20%26%20vergers&amp;body='
        + absolute.replace(":", "%3A").replace("/", "%2F")
        + '"'
    ) in page
    # The buttons that need JavaScript wait for it, hidden.
    assert re.search(r"<button [^>]*data-share-copy hidden>", page)
    assert re.search(r"<button [^>]*data-share-native hidden>", page)
    assert "/static/core/share" in page


def test_a_draft_project_is_neither_previewed_nor_shared(client):
    project = ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(user_with_role("project_facilitator", project))
    page = client.get(project.get_absolute_url()).content.decode()
    assert meta(page, "og:url") is None
    assert "data-share" not in page
