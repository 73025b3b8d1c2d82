"""The "S'abonner" block (issue #18, feeds) on the pages that list feeds: axe-clean with
it, on a 390 px phone; its links lead to feeds a news reader reads, whose entries lead
back to pages that are axe-clean too; the head names the same feeds."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tissage.actions.manage.services import action_create
from tissage.collectives.tests.factories import CollectiveFactory
from tissage.collectives.tests.initiatives.helpers import propose
from tissage.inventories.tests.helpers import heritage_campaign

from .helpers import PHONE_390

pytestmark = pytest.mark.browser


def in_english(context, live_server) -> None:
    # The block's words are asserted in English (the msgids), whatever the catalogue.
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_a_project_s_feeds_on_a_phone_lead_to_its_news(
    new_context, new_page, visit, world, live_server
):
    context = new_context(**PHONE_390)
    in_english(context, live_server)
    page = new_page(context)
    visit(page, world.project.get_absolute_url())
    block = page.locator("section.subscribe")
    block.scroll_into_view_if_needed()
    expect(block.get_by_role("heading", name="Subscribe")).to_be_visible()
    news = block.get_by_role("link", name=f"News of {world.project.title}")
    expect(news).to_be_visible()
    expect(block.get_by_role("link", name=f"The actions of the project {world.project.title}"))
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The head names the same feeds, for readers that discover them (beside the oEmbed
    # discovery link of the project's agenda widget).
    feeds = 'head link[rel="alternate"][type="application/atom+xml"], ' + (
        'head link[rel="alternate"][type="text/calendar"]'
    )
    expect(page.locator(feeds)).to_have_count(2)
    expect(
        page.locator('head link[rel="alternate"][type="application/json+oembed"]')
    ).to_have_count(1)

    feed_url = news.get_attribute("href")
    answer = page.request.get(feed_url)
    assert answer.status == 200
    feed = feedparser.parse(answer.body())
    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.title == "Première sortie le 12 avril"
    assert entry.link.startswith(live_server.url)
    visit(page, entry.link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Première sortie le 12 avril")


def test_the_campaign_the_collective_and_the_agenda_with_their_block_are_axe_clean(
    page, visit, world
):
    campaign = heritage_campaign(project=world.project)
    collective = CollectiveFactory(organisation=world.organisation)
    propose(collective, title="Un verger partagé")
    start = timezone.now() + datetime.timedelta(days=30)
    action_create(
        project=world.project,
        title="Taille des fruitiers",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status="published",
    )
    for url in (
        campaign.get_absolute_url(),
        collective.get_absolute_url(),
        reverse("collectives:initiatives", args=[collective.slug]),
        reverse("actions:agenda"),
    ):
        visit(page, url)
        expect(page.locator("section.subscribe")).to_have_count(1)
        expect(page.locator('head link[rel="alternate"]')).not_to_have_count(0)
