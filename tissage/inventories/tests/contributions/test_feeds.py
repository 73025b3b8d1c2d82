"""The Atom feed of a campaign's newly published items (issue #18): read back with
feedparser; only published items, newest published first, as their public page shows
them (never an obscured item's place, never an address of anyone); the campaign's
licence as rights; 404 for a draft project's campaign whoever asks; 304 when nothing
changed; a fixed number of queries; linked from the campaign's pages."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.urls import reverse

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory, UserFactory
from tissage.inventories.models import Campaign, Contribution
from tissage.inventories.models.campaigns import Licence
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import heritage_campaign, published, submit
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

SITE = "https://tissage.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def feed_url(campaign: Campaign) -> str:
    return reverse("inventories:items_feed", args=[campaign.slug])


def parsed(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_holds_published_items_newest_published_first(
    client, campaign, facilitator, on_commit, in_english
):
    contributor = UserFactory(display_name="Jeanne D.", email="jeanne.d@example.org")
    first = on_commit(
        published,
        campaign,
        facilitator,
        title="Lavoir & puits",
        contributor=contributor,
        description="Au bord du <ruisseau>.",
    )
    second = on_commit(published, campaign, facilitator, title="Croix", show_contributor=False)
    Contribution.objects.filter(pk=first.pk).update(
        validated_at=second.validated_at - datetime.timedelta(days=1)
    )
    submit(campaign, title="En attente")  # a guest's, waiting for its email
    refused = submit(campaign, title="Refusé", contributor=UserFactory())
    contribution_decide(
        item=refused, moderator=facilitator, status="rejected", message="Hors sujet."
    )
    other = heritage_campaign(commune=campaign.communes.get(), title="Autre")
    on_commit(published, other, facilitator, title="Autre campagne")

    response = client.get(feed_url(campaign))
    feed = parsed(response)

    assert feed.feed.title == f"New items of {campaign.title}"
    assert feed.feed.link == SITE + campaign.get_absolute_url()
    assert feed.feed.id == SITE + feed_url(campaign)
    assert feed.feed.rights == "Licence Ouverte / Etalab 2.0"
    assert [entry.title for entry in feed.entries] == ["Croix", "Lavoir & puits"]
    croix, lavoir = feed.entries
    assert lavoir.link == SITE + reverse(
        "inventories:item", kwargs={"slug": campaign.slug, "pk": first.pk}
    )
    assert lavoir.id == lavoir.link
    assert lavoir.author == "Jeanne D."
    assert croix.author == "anonymous"
    assert lavoir.rights == "Licence Ouverte / Etalab 2.0"
    assert [tag.term for tag in lavoir.tags] == ["Lavoir", "Nîmes"]
    assert "Lavoir · Nîmes" in lavoir.summary
    assert "Au bord du &lt;ruisseau&gt;." in lavoir.summary
    published_at = datetime.datetime(*lavoir.published_parsed[:6], tzinfo=datetime.UTC)
    assert published_at == (second.validated_at - datetime.timedelta(days=1)).replace(microsecond=0)
    # The thumbnail of its (public) photo, at its full address, with its credit.
    photo = first.photos.get()
    assert f'src="{SITE}{photo.thumbnail.url}"' in lavoir.summary
    assert "Photo: Jeanne D. — Licence Ouverte / Etalab 2.0" in lavoir.summary
    body = response.content.decode()
    assert "jeanne.d@example.org" not in body
    assert "jeanne@example.org" not in body


def test_an_obscured_item_s_place_is_never_in_the_feed(client, campaign, facilitator):
    item = published(
        campaign,
        facilitator,
        title="Grotte ornée",
        obscure_location=True,
        address="Chemin secret, 3e rocher",
        lon=4.36789,
        lat=43.84321,
    )
    assert item.obscure_location
    body = client.get(feed_url(campaign)).content.decode()
    assert "Grotte ornée" in body
    for secret in ("Chemin secret", "4.36789", "43.84321", "4.368", "43.843"):
        assert secret not in body
    # No point at all, not even the public one: the page and the map give that.
    assert "georss" not in body
    assert "4.37" not in body


def test_a_photo_still_private_is_left_out(client, campaign, facilitator):
    # Published, but its photos not moved yet (the move waits for the commit).
    published(campaign, facilitator, title="Puits")
    (entry,) = parsed(client.get(feed_url(campaign))).entries
    assert "<img" not in entry.summary
    assert "/inventaires/photos/" not in entry.summary


def test_the_campaign_s_licence_is_the_rights(client, campaign, facilitator, in_english):
    campaign = heritage_campaign(
        commune=campaign.communes.get(), title="Autre", licence=Licence.CC_BY_SA
    )
    ProjectMembershipFactory(project=campaign.project, user=facilitator, role="facilitator")
    published(campaign, facilitator)
    feed = parsed(client.get(feed_url(campaign)))
    expected = "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"
    assert feed.feed.rights == expected
    assert feed.entries[0].rights == expected


@pytest.mark.parametrize("role", ["anonymous", "participant", "member", "facilitator"])
def test_a_draft_project_s_campaign_feed_is_404_whoever_asks(client, role):
    campaign = heritage_campaign(project=_draft_project())
    if role != "anonymous":
        user = UserFactory()
        if role != "participant":
            ProjectMembershipFactory(project=campaign.project, user=user, role=role)
        client.force_login(user)
    assert client.get(feed_url(campaign)).status_code == 404


def _draft_project() -> Project:
    return ProjectFactory(status=Project.Status.DRAFT)


def test_unknown_campaigns_and_bad_slugs_are_404(client, campaign):
    assert client.get("/inventaires/nulle-part/fiches.atom").status_code == 404
    assert client.get("/inventaires/nouveau/fiches.atom").status_code == 404
    assert client.get("/inventaires/a%20b/fiches.atom").status_code == 404
    assert client.post(feed_url(campaign)).status_code == 405


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_reads_in_a_fixed_number_of_queries(
    client, campaign, facilitator, django_assert_num_queries, count
):
    for n in range(count):
        published(campaign, facilitator, title=f"Item {n}", contributor=UserFactory())
    # The campaign, the version (the latest change, the count from the cells), the items
    # (category, commune, people), their photos.
    with django_assert_num_queries(5):
        response = client.get(feed_url(campaign))
    assert len(parsed(response).entries) == count


def test_the_feed_is_bounded_to_the_latest_50(client, campaign, facilitator):
    for n in range(51):
        published(campaign, facilitator, title=f"Item {n}")
    assert len(parsed(client.get(feed_url(campaign))).entries) == 50


def test_a_reader_with_the_current_version_gets_304(
    client, campaign, facilitator, django_assert_num_queries
):
    item = published(campaign, facilitator)
    first = client.get(feed_url(campaign))
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(3):  # the campaign and the version's two: no item read
        assert client.get(feed_url(campaign), headers={"if-none-match": etag}).status_code == 304
    assert (
        client.get(feed_url(campaign), headers={"if-modified-since": last_modified}).status_code
        == 304
    )
    # An edit of a published item is a new version.
    Contribution.objects.filter(pk=item.pk).update(
        title="Lavoir du bas", updated_at=item.updated_at + datetime.timedelta(seconds=5)
    )
    again = client.get(feed_url(campaign), headers={"if-none-match": etag})
    assert again.status_code == 200
    assert parsed(again).entries[0].title == "Lavoir du bas"
    # An item waiting for moderation changes nothing in the feed: still the same version.
    submit(campaign, title="En attente")
    current = again["ETag"]
    assert client.get(feed_url(campaign), headers={"if-none-match": current}).status_code == 304


def test_withdrawing_an_item_is_a_new_version(client, campaign, facilitator):
    item = published(campaign, facilitator, title="Retiré")
    etag = client.get(feed_url(campaign))["ETag"]
    contribution_decide(item=item, moderator=facilitator, status="archived")
    response = client.get(feed_url(campaign), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert parsed(response).entries == []


def test_the_campaign_pages_link_the_feed(client, campaign, in_english):
    url = feed_url(campaign)
    title = f"New items of {campaign.title}"
    for page in (campaign.get_absolute_url(), reverse("inventories:items", args=[campaign.slug])):
        html = client.get(page).content.decode()
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{url}">'
            in html
        )
        assert f'<a href="{url}" type="application/atom+xml">{title}</a>' in html
        assert 'id="subscribe-title"' in html


def test_a_draft_project_s_campaign_page_offers_no_feed(client):
    campaign = heritage_campaign(project=_draft_project())
    member = ProjectMembershipFactory(project=campaign.project, role="facilitator").user
    client.force_login(member)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert feed_url(campaign) not in html
    assert 'id="subscribe-title"' not in html


def test_characters_xml_cannot_carry_are_dropped_not_an_error(client, campaign, facilitator):
    # An imported spreadsheet may hold a vertical tab or a form feed in a text.
    item = published(campaign, facilitator)
    Contribution.objects.filter(pk=item.pk).update(
        title="Lavoir\x0bdu bas", description="Ligne 1\x0cLigne 2\x1f"
    )
    (entry,) = parsed(client.get(feed_url(campaign))).entries
    assert entry.title == "Lavoirdu bas"
    assert "Ligne 1Ligne 2" in entry.summary


def test_the_version_reads_the_top_of_an_index_whatever_the_campaign_s_size(
    client, campaign, facilitator
):
    """The feed's version is asked on every poll: its latest change is the top of
    `contribution_changed_idx`, and its count is summed from the map cells, never a scan
    of the published items (19 ms at 100,000, issue #20)."""
    from django.db import connection

    from tissage.core.tests.plans import page_reads, query_plan, sorts_everything

    item = published(campaign, facilitator)
    # Enough rows for PostgreSQL's planner to prefer an index to reading the table.
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=item.category,
            title=f"Item {i}",
            status="validated" if i % 4 else "submitted",
            longitude=item.longitude,
            latitude=item.latitude,
            licence=campaign.licence,
            consent_at=item.consent_at,
        )
        for i in range(2_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _response, reads = page_reads(client, feed_url(campaign))
    (latest,) = [sql for sql in reads if '"updated_at"' in sql and sql.endswith("LIMIT 1")]
    plan = query_plan(latest)
    assert "contribution_changed_idx" in plan, plan
    assert not sorts_everything(plan), plan
    assert not [sql for sql in reads if "COUNT(" in sql]
