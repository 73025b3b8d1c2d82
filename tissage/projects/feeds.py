"""The Atom feed of a project's news (issue #18): the latest published posts, in full."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tissage.core.feeds import FEED_SIZE, AtomFeed, Version
from tissage.core.markdown import render_markdown

from .models import NewsPost, Project


def news_feed_version(project: Project) -> Version:
    """What the feed shows, read in one query: how many posts are out and the latest's
    date, with the project's own words (its title, its organisation's name)."""
    posts = project.news.published().aggregate(count=Count("pk"), latest=Max("published_at"))
    return Version(
        parts=("news", project.pk, project.title, project.organisation.name, *posts.values()),
        last_modified=posts["latest"],
    )


class NewsFeed(AtomFeed):
    """A project's published news, newest first, each post's text and picture in full."""

    def __init__(self, project: Project, *, base_url: str) -> None:
        super().__init__(project, base_url=base_url)
        self.project = project
        self.feed_path = reverse("projects:news_feed", args=[project.slug])

    def title(self) -> str:
        return _("News of %(project)s") % {"project": self.project.title}

    def subtitle(self) -> str:
        return self.project.summary

    def link(self) -> str:
        return self.absolute(self.project.get_absolute_url())

    def author_name(self) -> str:
        return self.project.organisation.name

    def items(self) -> list[NewsPost]:
        # Two queries whatever the number of posts: the posts with their authors.
        return list(
            self.project.news.published()
            .select_related("author")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: NewsPost) -> str:
        return item.title

    def item_link(self, item: NewsPost) -> str:
        return self.absolute(reverse("projects:news_post", args=[self.project.slug, item.pk]))

    def item_pubdate(self, item: NewsPost) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: NewsPost) -> datetime.datetime:
        # A post is not edited once published (no page does it): its date is its version.
        return item.published_at

    def item_author_name(self, item: NewsPost) -> str:
        # The name the page shows under the post: never an address.
        return item.author.public_name if item.author else _("a former participant")

    def item_description(self, item: NewsPost) -> str:
        body = render_markdown(item.body, base_url=self.base_url)
        if not item.image:
            return body
        picture = self.absolute(item.image.url)
        return format_html('<p><img src="{}" alt="{}"></p>{}', picture, item.image_alt, body)
