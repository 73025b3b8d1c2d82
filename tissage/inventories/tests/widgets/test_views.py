"""The inventories' widgets: a campaign's map drawn on the server, its progress, an
item's card, and the "Embed on a website" page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
from tissage.inventories.map.data import POINT_LIMIT
from tissage.inventories.models import Contribution
from tissage.inventories.tests.helpers import (
    LON,
    heritage_campaign,
    published,
    queries_for,
    submit,
)
from tissage.inventories.widgets.queries import campaign_map
from tissage.projects.models import Project, ProjectMembership
from tissage.territories.outlines import cached_outlines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def map_url(campaign) -> str:
    return reverse("inventories:widget_map", args=[campaign.slug])


def test_the_map_shows_the_published_items_only(client, campaign, facilitator):
    published(campaign, facilitator, title="Lavoir publié")
    submit(campaign, title="Lavoir en attente")
    response = client.get(map_url(campaign) + "?lang=en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 published item on the map" in page
    assert page.count('<circle class="point"') == 1
    assert '<path class="commune"' in page
    assert "Lavoir publié" in page and "Lavoir en attente" not in page
    # A picture in the page: no tiles, no map script (only the WordPress helper).
    assert "tile.openstreetmap" not in page and "leaflet" not in page.lower()
    assert page.count("<script") == 1 and "core/widget-embed.js" in page


def test_an_obscured_item_is_drawn_at_its_public_point(campaign, facilitator):
    exact = published(campaign, facilitator, obscure_location=True, lon=4.3612, lat=43.8488)
    drawn = campaign_map(campaign)
    assert drawn is not None
    [mark] = drawn.marks
    outlines = cached_outlines(campaign.communes.values_list("pk", flat=True))
    assert outlines is not None
    public = outlines.projection.point(*exact.public_point())
    hidden = outlines.projection.point(exact.longitude, exact.latitude)
    assert (mark.x, mark.y) == (round(public[0], 1), round(public[1], 1))
    assert (mark.x, mark.y) != (round(hidden[0], 1), round(hidden[1], 1))


def test_many_items_are_grouped_never_dropped(campaign, facilitator, monkeypatch):
    monkeypatch.setattr("tissage.inventories.map.data.POINT_LIMIT", 3)
    for number in range(5):
        published(campaign, facilitator, title=f"Lavoir {number}", lon=LON + number * 0.001)
    drawn = campaign_map(campaign)
    assert drawn is not None
    assert drawn.total == 5
    assert sum(mark.count for mark in drawn.marks) == 5
    assert any(mark.count > 1 for mark in drawn.marks)
    assert POINT_LIMIT > 3


def test_a_campaign_without_communes_is_drawn_around_its_items(facilitator_less_campaign):
    campaign, moderator = facilitator_less_campaign
    published(campaign, moderator, lon=4.0, lat=44.0)
    published(campaign, moderator, lon=4.2, lat=44.1)
    drawn = campaign_map(campaign)
    assert drawn is not None
    assert drawn.outlines == []
    assert len(drawn.marks) == 2
    for mark in drawn.marks:
        assert 0 <= mark.x <= drawn.width and 0 <= mark.y <= drawn.height


@pytest.fixture
def facilitator_less_campaign(campaign, facilitator):
    campaign.communes.clear()
    return campaign, facilitator


def test_a_campaign_with_nothing_to_draw_says_so(client, facilitator_less_campaign):
    campaign, _moderator = facilitator_less_campaign
    assert campaign_map(campaign) is None
    page = client.get(map_url(campaign) + "?lang=en").content.decode()
    assert "<svg" not in page
    assert "No item published yet" in page


def test_the_map_reads_in_a_constant_number_of_queries(client, campaign, facilitator):
    for number in range(2):
        published(campaign, facilitator, title=f"Lavoir {number}", lon=LON + number * 0.0005)
    # The communes' outlines are drawn once (a query), then cached: count after that.
    queries_for(client, map_url(campaign))
    few = queries_for(client, map_url(campaign))
    for number in range(2, 20):
        published(campaign, facilitator, title=f"Lavoir {number}", lon=LON + number * 0.0005)
    many = queries_for(client, map_url(campaign))
    assert few == many
    assert many <= 9


def test_the_progress_counts_what_is_published(client, campaign, facilitator):
    published(campaign, facilitator)
    published(campaign, facilitator)
    submit(campaign)
    response = client.get(reverse("inventories:widget_progress", args=[campaign.slug]) + "?lang=en")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="widget-figure">2</p>' in page
    assert "1 of 1 commune reached" in page
    assert '<rect class="widget-bar-fill" width="100"' in page
    assert f'href="{reverse("inventories:contribute", args=[campaign.slug])}"' in page


def test_the_progress_of_a_closed_campaign_has_no_contribute_button(client, campaign):
    campaign.ends_on = campaign.starts_on
    campaign.starts_on = campaign.starts_on.replace(year=2000)
    campaign.ends_on = campaign.starts_on.replace(year=2001)
    campaign.save(update_fields=["starts_on", "ends_on"])
    page = client.get(reverse("inventories:widget_progress", args=[campaign.slug])).content
    assert b"widget-button" not in page


def test_an_item_card_shows_a_published_item_only(client, campaign, facilitator):
    item = published(campaign, facilitator, title="Croix de chemin")
    waiting = submit(campaign, title="Puits")
    url = reverse("inventories:widget_item", kwargs={"slug": campaign.slug, "pk": item.pk})
    page = client.get(url).content.decode()
    assert "Croix de chemin" in page
    assert 'class="widget-photo"' in page
    assert item.get_licence_display() in page
    hidden = reverse("inventories:widget_item", kwargs={"slug": campaign.slug, "pk": waiting.pk})
    response = client.get(hidden)
    assert response.status_code == 404
    assert "Puits" not in response.content.decode()
    # Not even for its contributor: a widget is what anyone sees.
    contributor = published(campaign, facilitator).contributor
    mine = submit(campaign, contributor=contributor, title="Mon puits")
    client.force_login(contributor)
    assert client.get(mine.get_absolute_url()).status_code == 200
    mine_widget = reverse("inventories:widget_item", kwargs={"slug": campaign.slug, "pk": mine.pk})
    assert client.get(mine_widget).status_code == 404


def test_a_draft_project_widgets_are_not_found(client):
    project = ProjectFactory(status=Project.Status.DRAFT)
    campaign = heritage_campaign(project=project)
    member = ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR)
    client.force_login(member.user)
    for name in ("inventories:widget_map", "inventories:widget_progress"):
        response = client.get(reverse(name, args=[campaign.slug]))
        assert response.status_code == 404
        assert campaign.title not in response.content.decode()


def test_the_embed_page_offers_the_map_and_the_progress(client, campaign, facilitator):
    campaign_page = client.get(campaign.get_absolute_url()).content.decode()
    embed = reverse("inventories:embed", args=[campaign.slug])
    assert f'href="{embed}"' not in campaign_page
    client.force_login(facilitator)
    campaign_page = client.get(campaign.get_absolute_url()).content.decode()
    assert f'href="{embed}"' in campaign_page
    response = client.get(embed, {"couleur": "#8a2be2"})
    assert response.status_code == 200
    page = response.content.decode()
    for widget in (map_url(campaign), reverse("inventories:widget_progress", args=[campaign.slug])):
        assert f'src="http://testserver{widget}?couleur=8a2be2"' in page
    assert len(re.findall(r"<textarea", page)) == 2


def test_the_campaign_and_item_pages_announce_their_oembed(client, campaign, facilitator):
    item = published(campaign, facilitator)
    for page in (campaign.get_absolute_url(), item.get_absolute_url()):
        assert b"application/json+oembed" in client.get(page).content
    waiting = submit(campaign)
    client.force_login(facilitator)
    assert b"application/json+oembed" not in client.get(waiting.get_absolute_url()).content
    assert Contribution.objects.filter(status=Contribution.Status.VALIDATED).count() == 1
