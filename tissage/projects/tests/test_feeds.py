"""The Atom feed of a project's news (issue #18): read back with feedparser, as a news
reader would; hidden for a draft project whoever asks; answered 304 when nothing
changed; in a fixed number of queries; linked from the project's pages."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from tissage.core.tests.factories import (
    NewsPostFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.inventories.tests.helpers import jpeg_bytes
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

SITE = "https://tissage.example.org"
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def site_url(settings):
    # Links are made on the platform's address, never on the request's host.
    settings.SITE_URL = SITE


def feed_url(project: Project) -> str:
    return reverse("projects:news_feed", args=[project.slug])


def parsed(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_the_feed_holds_the_published_news_newest_first_with_absolute_links(client, in_english):
    project = ProjectFactory(title="Haies & bocages")
    author = UserFactory(display_name="Marion", email="marion@example.org")
    now = timezone.now()
    old = NewsPostFactory(
        project=project,
        author=author,
        title="Première <plantation>",
        body="Voir [l’agenda](/actions/).",
        published_at=now - datetime.timedelta(days=3),
    )
    new = NewsPostFactory(
        project=project, author=None, published_at=now - datetime.timedelta(hours=1)
    )
    NewsPostFactory(project=project, title="Pas encore", published_at=now + DAY)
    NewsPostFactory(title="Un autre projet")

    feed = parsed(client.get(feed_url(project)))

    assert feed.feed.title == "News of Haies & bocages"
    assert feed.feed.link == SITE + project.get_absolute_url()
    assert feed.feed.id == SITE + feed_url(project)
    assert feed.feed.author == project.organisation.name
    assert [entry.title for entry in feed.entries] == [new.title, "Première <plantation>"]
    first, second = feed.entries
    assert first.link == SITE + reverse("projects:news_post", args=[project.slug, new.pk])
    assert first.id == first.link
    assert first.author == "a former participant"
    assert second.author == "Marion"
    assert datetime.datetime(*second.published_parsed[:6], tzinfo=datetime.UTC) == (
        old.published_at.replace(microsecond=0)
    )
    assert second.updated == second.published
    # The text in full, its links made absolute.
    assert f'href="{SITE}/actions/"' in second.summary
    assert second.summary_detail.type == "text/html"
    assert b"marion@example.org" not in client.get(feed_url(project)).content


def test_a_post_s_picture_is_in_its_entry_at_its_full_address(client):
    post = NewsPostFactory(image_alt="Les haies plantées")
    post.image.save("haies.jpg", ContentFile(jpeg_bytes()), save=True)
    (entry,) = parsed(client.get(feed_url(post.project))).entries
    assert f'src="{SITE}/media/projects/news/' in entry.summary
    assert 'alt="Les haies plantées"' in entry.summary


@pytest.mark.parametrize("role", ["anonymous", "participant", "member", "facilitator"])
def test_a_draft_project_s_feed_is_404_whoever_asks(client, role):
    project = ProjectFactory(status=Project.Status.DRAFT)
    NewsPostFactory(project=project, title="Secret")
    if role != "anonymous":
        user = UserFactory()
        if role in {"member", "facilitator"}:
            ProjectMembershipFactory(project=project, user=user, role=role)
        client.force_login(user)
    response = client.get(feed_url(project))
    assert response.status_code == 404
    assert b"Secret" not in response.content


def test_an_archived_project_keeps_its_feed(client):
    project = ProjectFactory(status=Project.Status.ARCHIVED)
    NewsPostFactory(project=project, title="Bilan")
    assert [e.title for e in parsed(client.get(feed_url(project))).entries] == ["Bilan"]


def test_an_unknown_project_is_404_and_other_methods_are_refused(client):
    assert client.get("/projets/nulle-part/actualites.atom").status_code == 404
    assert client.get("/projets/a%20b/actualites.atom").status_code == 404
    project = ProjectFactory()
    assert client.post(feed_url(project)).status_code == 405
    assert client.head(feed_url(project)).status_code == 200


def test_the_feed_is_bounded_to_the_latest_50(client):
    project = ProjectFactory()
    now = timezone.now()
    for n in range(52):
        NewsPostFactory(project=project, published_at=now - datetime.timedelta(hours=n + 1))
    entries = parsed(client.get(feed_url(project))).entries
    assert len(entries) == 50


@pytest.mark.parametrize("count", [2, 20])
def test_the_feed_reads_in_a_fixed_number_of_queries(client, django_assert_num_queries, count):
    project = ProjectFactory()
    for _ in range(count):
        NewsPostFactory(project=project)
    # The project, the version (one aggregate), the posts with their authors.
    with django_assert_num_queries(3):
        response = client.get(feed_url(project))
    assert len(parsed(response).entries) == count


def test_a_reader_with_the_current_version_gets_304_without_the_feed(
    client, django_assert_num_queries
):
    project = ProjectFactory()
    NewsPostFactory(project=project, published_at=timezone.now() - datetime.timedelta(hours=2))
    first = client.get(feed_url(project))
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=900"
    with django_assert_num_queries(2):  # the project and the version: no post read
        again = client.get(feed_url(project), headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    since = client.get(feed_url(project), headers={"if-modified-since": last_modified})
    assert since.status_code == 304
    # A new post: a new version, the whole feed again.
    NewsPostFactory(project=project, title="Nouvelle")
    changed = client.get(feed_url(project), headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    later = client.get(feed_url(project), headers={"if-modified-since": last_modified})
    assert later.status_code == 200
    assert "Nouvelle" in [e.title for e in parsed(later).entries]


def test_renaming_the_project_changes_the_version(client):
    project = ProjectFactory()
    NewsPostFactory(project=project)
    etag = client.get(feed_url(project))["ETag"]
    project.title = "Nouveau nom"
    project.save()
    assert client.get(feed_url(project), headers={"if-none-match": etag}).status_code == 200


def test_an_empty_feed_is_valid_and_has_no_last_modified(client):
    project = ProjectFactory()
    response = client.get(feed_url(project))
    assert parsed(response).entries == []
    assert "Last-Modified" not in response
    assert (
        client.get(feed_url(project), headers={"if-none-match": response["ETag"]}).status_code
        == 304
    )
    assert (
        client.get(
            feed_url(project), headers={"if-modified-since": http_date(timezone.now().timestamp())}
        ).status_code
        == 200
    )


def test_the_project_page_links_its_feeds_in_the_block_and_the_head(client, in_english):
    project = ProjectFactory(title="Haies")
    html = client.get(project.get_absolute_url()).content.decode()
    news = feed_url(project)
    ical = reverse("actions:feed_project", kwargs={"slug": project.slug})
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="News of Haies" href="{news}">'
        in html
    )
    calendar = "The actions of the project Haies"
    assert f'<link rel="alternate" type="text/calendar" title="{calendar}" href="{ical}">' in html
    assert 'id="subscribe-title"' in html
    news_link = f'<a href="{news}" type="application/atom+xml">News of Haies</a>'
    assert f'{news_link} <span class="badge">Atom</span>' in html
    ical_link = f'<a href="{ical}" type="text/calendar">{calendar}</a>'
    assert f'{ical_link} <span class="badge">iCal</span>' in html


def test_a_draft_project_s_page_offers_no_feed_even_to_its_team(client):
    project = ProjectFactory(status=Project.Status.DRAFT)
    member = ProjectMembershipFactory(project=project, role="facilitator").user
    client.force_login(member)
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'rel="alternate"' not in html
    assert 'id="subscribe-title"' not in html


def test_a_post_has_its_own_page_linked_from_the_feed(client):
    post = NewsPostFactory(title="Plantation réussie", body="Merci à **tous**.")
    url = reverse("projects:news_post", args=[post.project.slug, post.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Plantation réussie</h1>" in html
    assert "<strong>tous</strong>" in html
    assert feed_url(post.project) in html
    later = NewsPostFactory(project=post.project, published_at=timezone.now() + DAY)
    assert (
        client.get(reverse("projects:news_post", args=[post.project.slug, later.pk])).status_code
        == 404
    )
    other = NewsPostFactory()
    assert (
        client.get(reverse("projects:news_post", args=[post.project.slug, other.pk])).status_code
        == 404
    )
    draft = NewsPostFactory(project=ProjectFactory(status=Project.Status.DRAFT))
    assert (
        client.get(reverse("projects:news_post", args=[draft.project.slug, draft.pk])).status_code
        == 404
    )
