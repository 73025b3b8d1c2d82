"""The inventories' widgets, shown in other websites' frames (core.widgets): a
campaign's map, its progress, one item's card; and the page where facilitators get
their code ("Embed on a website")."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tissage.core.widgets import Embed, WidgetChoice, embed_page, widget_render, widget_view

from .. import access, lookups
from ..map.progress import campaign_progress
from . import queries

MAP_SIZE = (600, 560)
PROGRESS_SIZE = (400, 340)
ITEM_SIZE = (400, 420)


@require_GET
@widget_view
def campaign_map(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, _rights = lookups.get_campaign(request, slug)
    return widget_render(
        request,
        "inventories/widgets/map.html",
        {
            "campaign": campaign,
            "map": queries.campaign_map(campaign),
            "latest": queries.latest_items(campaign),
        },
    )


@require_GET
@widget_view
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, rights = lookups.get_campaign(request, slug)
    progress = campaign_progress(campaign)
    reached = (
        round(100 * progress.communes_reached / progress.communes_covered)
        if progress.communes_covered
        else 0
    )
    return widget_render(
        request,
        "inventories/widgets/progress.html",
        {"campaign": campaign, "rights": rights, "progress": progress, "reached": reached},
    )


@require_GET
@widget_view
def item(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign, rights = lookups.get_campaign(request, slug)
    found = lookups.get_item(request, campaign, rights, pk)
    return widget_render(
        request,
        "inventories/widgets/item.html",
        {
            "campaign": campaign,
            "item": found,
            "photo": found.photos.order_by("position", "pk").first(),
        },
    )


@require_GET
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    campaign, _rights = lookups.get_campaign(request, slug)
    return embed_page(
        request,
        subject=campaign.title,
        back_url=campaign.get_absolute_url(),
        available=access.can_view_campaign(AnonymousUser(), campaign),
        choices=[
            map_choice(campaign.slug, campaign.title),
            progress_choice(campaign.slug, campaign.title),
        ],
    )


def map_choice(slug: str, title: str) -> WidgetChoice:
    return WidgetChoice(
        _("The map of the published items"),
        Embed(
            _("Map: %(campaign)s") % {"campaign": title},
            reverse("inventories:widget_map", args=[slug]),
            *MAP_SIZE,
        ),
    )


def progress_choice(slug: str, title: str) -> WidgetChoice:
    return WidgetChoice(
        _("The progress of the inventory"),
        Embed(
            _("Progress: %(campaign)s") % {"campaign": title},
            reverse("inventories:widget_progress", args=[slug]),
            *PROGRESS_SIZE,
        ),
    )
