"""The Atom feed of a campaign's newly published items (issue #18).

What an entry holds is what the item's public page shows to anyone: its title, category
and commune, its description, who contributed it as the page names them, a thumbnail of
its first photo, the campaign's licence. Never its place (an obscured item's exact point
and address are for moderators and its contributor only: the feed gives none at all),
never an address of anyone."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tissage.core.feeds import FEED_SIZE, AtomFeed, FeedLink, Version
from tissage.core.files import is_private

from ..access import can_view_campaign
from ..map.cells import published_count
from ..models import Campaign, Contribution, Photo


def feed_links(campaign: Campaign) -> list[FeedLink]:
    """The campaign's feed, for its pages: none when only its project's team sees it
    (the feed answers 404 to everyone then)."""
    if not can_view_campaign(AnonymousUser(), campaign):
        return []
    return [
        FeedLink(
            _("New items of %(campaign)s") % {"campaign": campaign.title},
            reverse("inventories:items_feed", args=[campaign.slug]),
            "atom",
        )
    ]


def published_items(campaign: Campaign) -> list[Contribution]:
    """The latest published items, newest published first, with what an entry shows:
    three queries whatever their number (items with category, commune and people; their
    photos)."""
    return list(
        Contribution.objects.filter(campaign=campaign)
        .published()
        .select_related("category", "commune", "contributor", "entered_by")
        .defer("commune__geometry")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("position", "pk")))
        .newest_published_first()[:FEED_SIZE]
    )


def items_feed_version(campaign: Campaign) -> Version:
    """What the feed shows, in two small reads whatever the campaign's size: how many
    items are published (summed from the stored map cells) and when one last changed (a
    publication, an edit: the top of `contribution_changed_idx`), with the campaign's own
    words. Counting and scanning the items grew with them (19 ms at 100,000, issue #20)."""
    latest = (
        Contribution.objects.filter(campaign=campaign)
        .published()
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    return Version(
        parts=(
            "items",
            campaign.pk,
            campaign.title,
            campaign.licence,
            campaign.project.organisation.name,
            published_count(campaign),
            latest,
        ),
        last_modified=latest,
    )


class ItemsFeed(AtomFeed):
    """A campaign's published items, newest published first."""

    def __init__(self, campaign: Campaign, *, base_url: str) -> None:
        super().__init__(campaign, base_url=base_url)
        self.campaign = campaign
        self.feed_path = reverse("inventories:items_feed", args=[campaign.slug])

    def title(self) -> str:
        return _("New items of %(campaign)s") % {"campaign": self.campaign.title}

    def subtitle(self) -> str:
        return _("Participatory inventory of the project %(project)s") % {
            "project": self.campaign.project.title
        }

    def link(self) -> str:
        return self.absolute(self.campaign.get_absolute_url())

    def author_name(self) -> str:
        return self.campaign.project.organisation.name

    def feed_copyright(self) -> str:
        return str(self.campaign.get_licence_display())

    def items(self) -> list[Contribution]:
        return published_items(self.campaign)

    def item_title(self, item: Contribution) -> str:
        return item.title

    def item_link(self, item: Contribution) -> str:
        return self.absolute(
            reverse("inventories:item", kwargs={"slug": self.campaign.slug, "pk": item.pk})
        )

    def item_pubdate(self, item: Contribution) -> datetime.datetime:
        # Imported or older items may lack the date of their publication.
        return item.validated_at or item.created_at

    def item_updateddate(self, item: Contribution) -> datetime.datetime:
        return max(item.updated_at, self.item_pubdate(item))

    def item_author_name(self, item: Contribution) -> str:
        # As its page credits it: the name shown, or "anonymous" when they chose so.
        return item.public_contributor

    def item_categories(self, item: Contribution) -> list[str]:
        return [item.category.name, *([item.commune.name] if item.commune else [])]

    def item_copyright(self, item: Contribution) -> str:
        return str(item.get_licence_display())

    def item_description(self, item: Contribution) -> str:
        where = item.commune.name if item.commune else ""
        facts = " · ".join(part for part in (item.category.name, where) if part)
        photo = item.first_photo
        picture = ""
        # A published item's photos are public files; one not moved yet is left out.
        if photo is not None and not is_private(photo.thumbnail.name or ""):
            picture = format_html(
                '<p><img src="{}" alt="{}"></p>',
                self.absolute(photo.thumbnail_url),
                _("Photo: %(credit)s — %(licence)s")
                % {"credit": photo.credit, "licence": item.get_licence_display()},
            )
        # Escaped by `linebreaks` itself, as the page's `linebreaksbr` does.
        text = mark_safe(linebreaks(item.description, autoescape=True))  # noqa: S308
        return format_html("{}<p>{}</p>{}", picture, facts, text)
