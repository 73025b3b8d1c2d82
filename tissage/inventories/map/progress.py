"""A campaign's progress: published items per commune, top categories, and a map of the
communes shaded by their number of items (an inline SVG computed here: no tiles, no JS).

Read in at most four queries whatever the number of items or communes (the counts from
the coarsest map cells, not from the items), three once the communes' outlines are in the
cache (`territories.outlines`: drawn once per set of
communes, whatever the counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tissage.core.cards import rendered_cards
from tissage.territories.models import Commune
from tissage.territories.outlines import Outlines, cached_outlines

from ..models import Campaign, Category, MapCell
from .cells import ANY, MIN_LEVEL

TOP_CATEGORIES = 5
TEMPLATE = "inventories/map/_progress.html"


@dataclass(frozen=True)
class Bucket:
    """A class of the map's legend: communes with `minimum` to `maximum` items."""

    css_class: str
    minimum: int
    maximum: int | None
    label: str | Promise


BUCKETS: tuple[Bucket, ...] = (
    Bucket("progress-b0", 0, 0, _("no item yet")),
    Bucket("progress-b1", 1, 4, _("1 to 4 items")),
    Bucket("progress-b2", 5, 19, _("5 to 19 items")),
    Bucket("progress-b3", 20, 49, _("20 to 49 items")),
    Bucket("progress-b4", 50, None, _("50 items or more")),
)


def bucket_of(count: int) -> Bucket:
    for bucket in reversed(BUCKETS):
        if count >= bucket.minimum:
            return bucket
    return BUCKETS[0]


@dataclass(frozen=True)
class CommuneCount:
    insee_code: str
    name: str
    count: int

    @property
    def css_class(self) -> str:
        return bucket_of(self.count).css_class


@dataclass(frozen=True)
class CategoryCount:
    name: str
    slug: str
    count: int


@dataclass(frozen=True)
class CommuneShape:
    """One commune on the map: its SVG path, its bucket's class, and its tooltip."""

    path: str
    css_class: str
    title: str


@dataclass(frozen=True)
class ProgressMap:
    width: int
    height: int
    shapes: list[CommuneShape]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


@dataclass(frozen=True)
class CampaignProgress:
    # To link each commune and category to the list of its items.
    campaign_slug: str
    # Every commune of the campaign, those with no item included, sorted by name.
    communes: list[CommuneCount]
    validated: int
    communes_reached: int
    communes_covered: int
    top_categories: list[CategoryCount]
    # Published items outside the campaign's communes (or placed in none): counted in
    # the total, shown apart so that the numbers add up.
    elsewhere: int
    map: ProgressMap | None
    legend: tuple[Bucket, ...] = field(default=BUCKETS)


def campaign_progress(campaign: Campaign) -> CampaignProgress:
    counts, by_category = _published_counts(campaign)
    columns = ("id", "insee_code", "name")
    communes = list(campaign.communes.only(*columns).order_by("name", "insee_code"))
    if not communes:
        # A campaign open anywhere: its progress is over the communes it reached.
        reached = [pk for pk in counts if pk is not None]
        communes = list(
            Commune.objects.filter(pk__in=reached).only(*columns).order_by("name", "insee_code")
        )
    rows = {c.pk: CommuneCount(c.insee_code, c.name, counts.get(c.pk, 0)) for c in communes}
    total = counts.get(None, 0)
    in_communes = sum(row.count for row in rows.values())
    top = sorted(
        (
            (-by_category[pk], name, slug)
            for pk, name, slug in Category.objects.filter(
                campaign=campaign, pk__in=list(by_category)
            ).values_list("pk", "name", "slug")
        )
    )[:TOP_CATEGORIES]
    return CampaignProgress(
        campaign_slug=campaign.slug,
        communes=list(rows.values()),
        validated=total,
        communes_reached=sum(1 for row in rows.values() if row.count),
        communes_covered=len(rows),
        top_categories=[CategoryCount(name, slug, -minus_n) for minus_n, name, slug in top],
        elsewhere=total - in_communes,
        map=_shaded(cached_outlines(rows), rows),
    )


def _published_counts(campaign: Campaign) -> tuple[dict[int | None, int], dict[int, int]]:
    """Published items per commune (None: all of them) and per category, summed from the
    coarsest map cells in one query (a few rows per commune and category), never by
    reading the items: exact, since the database's triggers keep the cells (cells.py)."""
    per_commune: dict[int | None, int] = {}
    per_category: dict[int, int] = {}
    rows = (
        # Every century at once: the cells of one century are a part of these.
        MapCell.objects.filter(campaign=campaign, level=MIN_LEVEL, century=ANY)
        .filter(Q(category=ANY) | Q(commune=ANY))
        .order_by()
        .values_list("category", "commune")
        .annotate(n=Sum("count"))
    )
    for category, commune, n in rows:
        if not n:
            continue  # cells whose items all left stay at 0
        if category == ANY:
            per_commune[None if commune == ANY else commune] = n
        else:
            per_category[category] = n
    return per_commune, per_category


def _shaded(outlines: Outlines | None, rows: dict[int, CommuneCount]) -> ProgressMap | None:
    if outlines is None or not outlines.paths:
        return None
    titles: dict[int, str] = {}
    shapes = []
    for pk, row in rows.items():
        if pk not in outlines.paths:
            continue
        if row.count not in titles:
            titles[row.count] = ngettext(
                "%(name)s: %(count)d item", "%(name)s: %(count)d items", row.count
            )
        title = titles[row.count] % {"name": row.name, "count": row.count}
        shapes.append(CommuneShape(outlines.paths[pk], row.css_class, title))
    return ProgressMap(width=outlines.width, height=outlines.height, shapes=shapes)


def progress_html(progress: CampaignProgress) -> SafeString:
    """`inventories/map/_progress.html` for `progress`, kept like a card (core.cards):
    its key holds every value the section shows, the communes' outlines included, so an
    item published or a commune renamed makes another key. The campaign page renders it
    for every visitor alike; a hundred communes are a table and a map of a hundred rows
    each (issue #20)."""
    cards = rendered_cards(TEMPLATE, [progress], _shown, lambda same: {"progress": same})
    return cards[0]


def _shown(progress: CampaignProgress) -> tuple[object, ...]:
    return (
        progress.campaign_slug,
        tuple((row.insee_code, row.name, row.count, row.css_class) for row in progress.communes),
        progress.validated,
        progress.communes_reached,
        progress.communes_covered,
        tuple((row.name, row.slug, row.count) for row in progress.top_categories),
        progress.elsewhere,
        progress.map
        and (
            progress.map.width,
            progress.map.height,
            tuple((shape.path, shape.css_class, shape.title) for shape in progress.map.shapes),
        ),
        tuple((b.css_class, b.minimum, b.maximum, str(b.label)) for b in progress.legend),
    )
