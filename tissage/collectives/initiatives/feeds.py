"""The Atom feed of a collective's initiatives (issue #18): only a collective whose
archive anyone may read has one; a members-only collective's initiatives never leave it."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tissage.core.feeds import FEED_SIZE, AtomFeed, FeedLink, Version
from tissage.core.markdown import render_markdown

from ..access import collective_rights
from ..models import Collective, Initiative


def feed_links(collective: Collective) -> list[FeedLink]:
    """The collective's feed, for its pages: none when its archive is for its members
    (the feed answers 404 to everyone then)."""
    if not collective_rights(AnonymousUser(), collective).can_read:
        return []
    return [
        FeedLink(
            _("Initiatives of %(collective)s") % {"collective": collective.name},
            reverse("collectives:initiatives_feed", args=[collective.slug]),
            "atom",
        )
    ]


def initiatives_feed_version(collective: Collective) -> Version:
    """What the feed shows, read in one query: how many initiatives and when one last
    changed, with the collective's name."""
    initiatives = collective.initiatives.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return Version(
        parts=("initiatives", collective.pk, collective.name, *initiatives.values()),
        last_modified=initiatives["latest"],
    )


class InitiativesFeed(AtomFeed):
    """A collective's initiatives, newest proposed first."""

    def __init__(self, collective: Collective, *, base_url: str) -> None:
        super().__init__(collective, base_url=base_url)
        self.collective = collective
        self.feed_path = reverse("collectives:initiatives_feed", args=[collective.slug])

    def title(self) -> str:
        return _("Initiatives of %(collective)s") % {"collective": self.collective.name}

    def link(self) -> str:
        return self.absolute(reverse("collectives:initiatives", args=[self.collective.slug]))

    def author_name(self) -> str:
        return self.collective.name

    def items(self) -> list[Initiative]:
        # One query whatever their number: with the commune and who proposed each.
        return list(
            self.collective.initiatives.select_related("commune", "proposed_by")
            .defer("commune__geometry")
            .order_by("-created_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Initiative) -> str:
        return item.title

    def item_link(self, item: Initiative) -> str:
        return self.absolute(
            reverse("collectives:initiative", args=[self.collective.slug, item.pk])
        )

    def item_pubdate(self, item: Initiative) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: Initiative) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Initiative) -> str:
        # As the initiative's page names them.
        return item.proposed_by.public_name if item.proposed_by else _("a former member")

    def item_categories(self, item: Initiative) -> list[str]:
        return [str(item.get_status_display())]

    def item_description(self, item: Initiative) -> str:
        where = ", ".join(
            part for part in (item.where, item.commune.name if item.commune else "") if part
        )
        facts = " · ".join(
            part for part in (str(item.get_status_display()).capitalize(), where) if part
        )
        needs = ""
        if item.needs:
            # Escaped by `linebreaks` itself, as the page's filter does.
            needs = format_html(
                "<p><strong>{}</strong></p>{}",
                _("Who or what is needed"),
                mark_safe(linebreaks(item.needs, autoescape=True)),  # noqa: S308
            )
        return format_html(
            "<p>{}</p>{}{}", facts, render_markdown(item.what, base_url=self.base_url), needs
        )
