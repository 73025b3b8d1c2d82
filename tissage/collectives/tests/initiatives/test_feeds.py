"""The Atom feed of a collective's initiatives (issue #18): read back with feedparser;
only for a collective whose archive anyone may read (a members-only collective's feed is
404 whoever asks); 304 when nothing changed; a fixed number of queries; linked from the
collective's pages when it exists."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.urls import reverse

from tissage.collectives.models import Collective, Initiative
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.collectives.tests.initiatives.helpers import propose
from tissage.core.tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://tissage.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def feed_url(collective: Collective) -> str:
    return reverse("collectives:initiatives_feed", args=[collective.slug])


def parsed(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_holds_the_initiatives_newest_first(client, in_english):
    collective = CollectiveFactory(name="CLAC")
    proposer = UserFactory(display_name="Lucie", email="lucie@example.org")
    MembershipFactory(collective=collective, user=proposer)
    garden = propose(
        collective,
        proposer,
        title="Jardin partagé",
        what="Un [jardin](/collectifs/) au **bourg**.",
        commune=CommuneFactory(name="Saint-Martin-de-Londres"),
    )
    shop = propose(collective, title="Épicerie")
    Initiative.objects.filter(pk=garden.pk).update(
        created_at=shop.created_at - datetime.timedelta(days=2)
    )
    propose(CollectiveFactory(), title="Ailleurs")

    feed = parsed(client.get(feed_url(collective)))

    assert feed.feed.title == "Initiatives of CLAC"
    assert feed.feed.link == SITE + reverse("collectives:initiatives", args=[collective.slug])
    assert feed.feed.id == SITE + feed_url(collective)
    assert [entry.title for entry in feed.entries] == ["Épicerie", "Jardin partagé"]
    entry = feed.entries[1]
    assert entry.link == SITE + reverse("collectives:initiative", args=[collective.slug, garden.pk])
    assert entry.id == entry.link
    assert entry.author == "Lucie"
    assert [tag.term for tag in entry.tags] == ["idea"]
    assert "Idea · La vieille gare, Saint-Martin-de-Londres" in entry.summary
    assert "<strong>bourg</strong>" in entry.summary
    assert f'href="{SITE}/collectifs/"' in entry.summary
    assert "Des bras et un local" in entry.summary
    assert "lucie@example.org" not in client.get(feed_url(collective)).content.decode()


def test_a_former_member_s_initiative_names_nobody(client, in_english):
    collective = CollectiveFactory()
    initiative = propose(collective)
    Initiative.objects.filter(pk=initiative.pk).update(proposed_by=None)
    assert parsed(client.get(feed_url(collective))).entries[0].author == "a former member"


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "coordinator"])
def test_a_members_only_collective_s_feed_is_404_whoever_asks(client, role):
    collective = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    propose(collective, title="Entre nous")
    if role != "anonymous":
        user = UserFactory()
        if role != "outsider":
            MembershipFactory(collective=collective, user=user, role=role)
        client.force_login(user)
    response = client.get(feed_url(collective))
    assert response.status_code == 404
    assert b"Entre nous" not in response.content


def test_unknown_collectives_and_bad_slugs_are_404(client):
    assert client.get("/collectifs/nulle-part/initiatives.atom").status_code == 404
    assert client.get("/collectifs/nouveau/initiatives.atom").status_code == 404
    assert client.get("/collectifs/a%20b/initiatives.atom").status_code == 404
    assert client.post(feed_url(CollectiveFactory())).status_code == 405


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_reads_in_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    collective = CollectiveFactory()
    for n in range(count):
        propose(collective, title=f"Initiative {n}")
    # The collective, the version, the initiatives with their commune and proposer.
    with django_assert_num_queries(3):
        response = client.get(feed_url(collective))
    assert len(parsed(response).entries) == count


def test_the_feed_is_bounded_to_the_latest_50(client):
    collective = CollectiveFactory()
    proposer = MembershipFactory(collective=collective).user
    for n in range(51):
        propose(collective, proposer, title=f"Initiative {n}")
    assert len(parsed(client.get(feed_url(collective))).entries) == 50


def test_a_reader_with_the_current_version_gets_304(client, django_assert_num_queries):
    collective = CollectiveFactory()
    initiative = propose(collective)
    first = client.get(feed_url(collective))
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(2):  # the collective and the version
        assert client.get(feed_url(collective), headers={"if-none-match": etag}).status_code == 304
    assert (
        client.get(feed_url(collective), headers={"if-modified-since": last_modified}).status_code
        == 304
    )
    # A change of status is a new version.
    Initiative.objects.filter(pk=initiative.pk).update(
        status=Initiative.Status.ACTIVE,
        updated_at=initiative.updated_at + datetime.timedelta(seconds=5),
    )
    assert client.get(feed_url(collective), headers={"if-none-match": etag}).status_code == 200
    assert (
        client.get(feed_url(collective), headers={"if-modified-since": last_modified}).status_code
        == 200
    )


def test_the_collective_s_pages_link_the_feed(client, in_english):
    collective = CollectiveFactory(name="CLAC")
    url = feed_url(collective)
    for page in (
        collective.get_absolute_url(),
        reverse("collectives:initiatives", args=[collective.slug]),
    ):
        html = client.get(page).content.decode()
        assert (
            '<link rel="alternate" type="application/atom+xml" '
            f'title="Initiatives of CLAC" href="{url}">' in html
        )
        assert f'<a href="{url}" type="application/atom+xml">Initiatives of CLAC</a>' in html


def test_a_members_only_collective_s_page_offers_no_feed_even_to_members(client):
    collective = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    client.force_login(MembershipFactory(collective=collective).user)
    for page in (
        collective.get_absolute_url(),
        reverse("collectives:initiatives", args=[collective.slug]),
    ):
        html = client.get(page).content.decode()
        assert feed_url(collective) not in html
        assert 'id="subscribe-title"' not in html
