"""The inventories' part of the home page: the open campaigns and how many items each has
published, their items on the territory's map (the stored cells, a few points), and the
items inventoried so far."""

from __future__ import annotations

from django.db.models import OuterRef, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from tissage.core.registry import HomeCounter, HomePart, HomePoint
from tissage.projects.models import Project

from ..models import Campaign, MapCell
from .cells import ANY, MIN_LEVEL, published_items_count

OPEN_CAMPAIGNS = 3
# Cells of about 15 km: a territory's items in a few dozen points, whatever their number.
HOME_LEVEL = 11
# The largest cells only: each point weighs in the page (its JSON), and the map links to
# the campaign's own map for the detail.
MAP_CELLS = 60


def home_part() -> HomePart:
    """Three queries whatever the number of campaigns and items."""
    public = Campaign.objects.filter(project__status=Project.Status.PUBLISHED)
    open_now = public.open_on(timezone.localdate())
    campaigns = list(
        open_now.select_related("project")
        .annotate(published_items=Coalesce(published_items_count(OuterRef("pk")), 0))
        .order_by("-published_items", "-starts_on", "title")[:OPEN_CAMPAIGNS]
    )
    cells = (
        MapCell.objects.filter(
            campaign__in=open_now.values("pk"),
            level=HOME_LEVEL,
            category=ANY,
            commune=ANY,
            century=ANY,
            count__gt=0,
        )
        .values("campaign__slug", "campaign__title", "cx", "cy")
        .annotate(items=Sum("count"), lon=Sum("sum_lon"), lat=Sum("sum_lat"))
        .order_by("-items")[:MAP_CELLS]
    )
    maps: dict[str, str] = {}  # one reverse() per campaign, not per point
    points = tuple(
        HomePoint(
            "items",
            cell["lat"] / cell["items"],
            cell["lon"] / cell["items"],
            cell["campaign__title"],
            maps.setdefault(
                cell["campaign__slug"], reverse("inventories:map", args=[cell["campaign__slug"]])
            ),
            cell["items"],
        )
        for cell in cells
    )
    inventoried = (
        MapCell.objects.filter(
            campaign__in=public.values("pk"),
            level=MIN_LEVEL,
            category=ANY,
            commune=ANY,
            century=ANY,
        ).aggregate(total=Sum("count"))["total"]
        or 0
    )
    return HomePart(
        template="inventories/map/_home.html",
        context={"open_campaigns": campaigns},
        position=20,
        points=points,
        counters=(
            HomeCounter(
                inventoried,
                ngettext("item inventoried", "items inventoried", inventoried),
            ),
        ),
    )
