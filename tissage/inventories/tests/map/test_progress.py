"""A campaign's progress per commune: counts, communes with none, top categories, the
SVG map (well-formed, small, robust to bad contours), in a constant number of queries."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import JSONField, Value
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tissage.core.tests.factories import CommuneFactory, ProjectFactory, _square
from tissage.core.tests.plans import page_reads, query_plan
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.map import progress
from tissage.inventories.map.cells import published_count
from tissage.inventories.map.progress import CommuneCount, bucket_of, campaign_progress
from tissage.inventories.models import Category, Contribution
from tissage.territories import outlines
from tissage.territories.models import Commune
from tissage.territories.outlines import commune_outlines
from tissage.territories.services import communes_import

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
GARD = Path(__file__).resolve().parents[3] / "demo" / "data" / "communes-30-gard.geojson"


def commune(name, code, lon, size=0.02):
    return CommuneFactory(
        name=name,
        insee_code=code,
        geometry=_square(lon, 43.9, size),
        min_lon=lon,
        min_lat=43.9,
        max_lon=lon + size,
        max_lat=43.9 + size,
    )


@pytest.fixture
def communes():
    return [
        commune("Vézénobres", "30346", 4.10),
        commune("Anduze", "30010", 4.00),
        commune("Lézan", "30146", 4.05),
    ]


@pytest.fixture
def campaign(communes):
    campaign = campaign_create(project=ProjectFactory(), title="Patrimoine", communes=communes)
    for name in ["Lavoir", "Croix", "Puits", "Four", "Moulin", "Pont", "Cabane"]:
        Category.objects.create(campaign=campaign, name=name, slug=name.lower())
    return campaign


def add(campaign, category, commune, count, status=Contribution.Status.VALIDATED):
    category = campaign.categories.get(slug=category)
    lon = commune.min_lon + 0.005 if commune else 5.5
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            commune=commune,
            title=f"Fiche {i}",
            longitude=lon,
            latitude=43.905,
            status=status,
            licence=campaign.licence,
            consent_at=timezone.now(),
        )
        for i in range(count)
    )


def test_counts_per_commune_with_none_included_sorted_by_name(campaign, communes):
    vezenobres, anduze, _lezan = communes
    add(campaign, "lavoir", anduze, 3)
    add(campaign, "croix", vezenobres, 1)
    add(campaign, "croix", vezenobres, 4, status=Contribution.Status.SUBMITTED)
    add(campaign, "croix", anduze, 2, status=Contribution.Status.REJECTED)

    result = campaign_progress(campaign)

    assert [(row.name, row.count) for row in result.communes] == [
        ("Anduze", 3),
        ("Lézan", 0),
        ("Vézénobres", 1),
    ]
    assert result.validated == 4
    assert (result.communes_reached, result.communes_covered) == (2, 3)
    assert result.elsewhere == 0
    assert result.campaign_slug == campaign.slug


def test_items_outside_the_communes_are_counted_apart(campaign, communes):
    outside = commune("Nîmes", "30189", 4.35)
    add(campaign, "lavoir", communes[0], 2)
    add(campaign, "lavoir", outside, 1)
    add(campaign, "lavoir", None, 1)

    result = campaign_progress(campaign)

    assert result.validated == 4
    assert result.elsewhere == 2
    assert "Nîmes" not in [row.name for row in result.communes]


def test_a_campaign_open_anywhere_shows_the_communes_it_reached():
    anduze, lezan = commune("Anduze", "30010", 4.0), commune("Lézan", "30146", 4.05)
    campaign = campaign_create(project=ProjectFactory(), title="Partout")
    Category.objects.create(campaign=campaign, name="Lavoir", slug="lavoir")
    add(campaign, "lavoir", lezan, 2)
    add(campaign, "lavoir", anduze, 1)
    add(campaign, "lavoir", None, 1)

    result = campaign_progress(campaign)

    assert [(row.name, row.count) for row in result.communes] == [("Anduze", 1), ("Lézan", 2)]
    assert (result.validated, result.elsewhere, result.communes_covered) == (4, 1, 2)
    assert result.map is not None and len(result.map.shapes) == 2


def test_top_categories_are_the_five_most_found_published_ones(campaign, communes):
    for slug, count in [("lavoir", 5), ("croix", 7), ("puits", 1), ("four", 3), ("moulin", 2)]:
        add(campaign, slug, communes[1], count)
    add(campaign, "pont", communes[1], 1)
    add(campaign, "cabane", communes[1], 9, status=Contribution.Status.SUBMITTED)

    top = campaign_progress(campaign).top_categories

    assert [(c.name, c.count) for c in top] == [
        ("Croix", 7),
        ("Lavoir", 5),
        ("Four", 3),
        ("Moulin", 2),
        ("Pont", 1),  # ties broken by name: Pont before Puits
    ]


def test_an_empty_campaign_has_zero_everywhere(campaign):
    result = campaign_progress(campaign)
    assert result.validated == 0
    assert result.communes_reached == 0
    assert result.top_categories == []
    assert {shape.css_class for shape in result.map.shapes} == {"progress-b0"}


@pytest.mark.parametrize(
    ("count", "css_class"),
    [(0, "progress-b0"), (1, "progress-b1"), (4, "progress-b1"), (5, "progress-b2"),
     (19, "progress-b2"), (20, "progress-b3"), (49, "progress-b3"), (50, "progress-b4"),
     (5000, "progress-b4")],
)  # fmt: skip
def test_buckets(count, css_class):
    assert bucket_of(count).css_class == css_class
    assert CommuneCount("30010", "Anduze", count).css_class == css_class


def queries_for(campaign):
    with CaptureQueriesContext(connection) as context:
        campaign_progress(campaign)
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_items_and_communes(campaign, communes):
    add(campaign, "lavoir", communes[0], 1)
    cache.clear()
    small_cold, small_warm = queries_for(campaign), queries_for(campaign)

    more = [commune(f"Commune {i}", f"30{500 + i}", 3.0 + i * 0.03) for i in range(30)]
    campaign.communes.add(*more)
    for place in more:
        add(campaign, "croix", place, 3)
        add(campaign, "puits", place, 2, status=Contribution.Status.SUBMITTED)
    cache.clear()
    large_cold, large_warm = queries_for(campaign), queries_for(campaign)

    assert small_cold == large_cold <= 4
    assert small_warm == large_warm == small_cold - 1  # the contours come from the cache


def test_the_outlines_are_cached_but_the_counts_are_not(campaign, communes):
    first = campaign_progress(campaign)
    add(campaign, "lavoir", communes[1], 7)
    second = campaign_progress(campaign)
    assert [s.path for s in first.map.shapes] == [s.path for s in second.map.shapes]
    assert [s.css_class for s in second.map.shapes] == ["progress-b2", "progress-b0", "progress-b0"]


def render_map(result):
    return render_to_string("inventories/map/_progress.html#map", {"progress": result})


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it well-formed


def test_the_svg_is_well_formed_with_a_titled_path_per_commune(campaign, communes):
    add(campaign, "lavoir", communes[1], 3)
    with translation.override("en"):
        svg = parse(render_map(campaign_progress(campaign)))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label")
    width, height = (int(n) for n in svg.get("viewBox").split()[2:])
    assert 0 < height <= width == outlines.MAP_SIZE
    paths = svg.findall(f"{SVG}path")
    assert [p.find(f"{SVG}title").text for p in paths] == [
        "Anduze: 3 items",
        "Lézan: 0 items",
        "Vézénobres: 0 items",
    ]
    assert [p.get("class") for p in paths] == ["progress-b1", "progress-b0", "progress-b0"]
    for path in paths:
        assert path.get("style") is None  # the CSP forbids inline styles
        assert path.get("d").startswith("M") and path.get("d").endswith("z")


def test_projection_keeps_west_left_and_north_up(campaign, communes):
    result = campaign_progress(campaign)
    starts = {
        shape.title.split(":")[0].strip(): [int(n) for n in shape.path[1:].split("l")[0].split()]
        for shape in result.map.shapes
    }
    # Anduze (4.00) is west of Lézan (4.05), itself west of Vézénobres (4.10).
    assert starts["Anduze"][0] < starts["Lézan"][0] < starts["Vézénobres"][0]
    north = commune("Nord", "30900", 4.0)
    north.set_geometry(_square(4.0, 44.2, 0.02))
    north.save()
    campaign.communes.add(north)
    cache.clear()
    shapes = {s.title.split(":")[0].strip(): s.path for s in campaign_progress(campaign).map.shapes}
    y_of = {name: int(path[1:].split("l")[0].split()[1]) for name, path in shapes.items()}
    assert y_of["Nord"] < y_of["Anduze"]  # SVG's y grows downwards


# Missing, unreadable, off the Earth: every kind of bad contour is tested in
# territories/tests/test_outlines.py; here, that the page keeps such a commune's row.
@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Polygon", "coordinates": "abc"},
        {"type": "Polygon", "coordinates": [[[400.0, 43.9], [401, 43.9], [401, 44.0]]]},
    ],
)
def test_a_bad_or_missing_contour_leaves_the_commune_off_the_map_only(campaign, geometry):
    broken = commune("Zinzolin", "30999", 4.2)
    stored = Value(None, JSONField()) if geometry is None else geometry
    Commune.objects.filter(pk=broken.pk).update(geometry=stored)
    campaign.communes.add(broken)
    add(campaign, "lavoir", broken, 2)

    result = campaign_progress(campaign)

    assert ("Zinzolin", 2) in [(row.name, row.count) for row in result.communes]
    assert len(result.map.shapes) == 3
    assert "Zinzolin" not in " ".join(shape.title for shape in result.map.shapes)
    parse(render_map(result))


def test_no_usable_contour_at_all_gives_no_map_but_still_the_table(communes):
    Commune.objects.update(geometry={})
    campaign = campaign_create(project=ProjectFactory(), title="Sans carte", communes=communes)

    result = campaign_progress(campaign)
    html = render_to_string("inventories/map/_progress.html", {"progress": result})

    assert result.map is None
    assert "<svg" not in html.split("progress-legend")[0]
    assert html.count('<th scope="row">') == 3


def test_a_whole_department_stays_small():
    communes_import(path=GARD)
    communes = list(Commune.objects.order_by("insee_code"))
    assert len(communes) > 350
    department = commune_outlines((c.pk, c.geometry) for c in communes)
    # A territory of about 44 neighbouring communes: those around Alès.
    ales = next(c for c in communes if c.insee_code == "30007")
    centre = ((ales.min_lon + ales.max_lon) / 2, (ales.min_lat + ales.max_lat) / 2)
    near = sorted(
        communes,
        key=lambda c: (
            (c.min_lon + c.max_lon - 2 * centre[0]) ** 2
            + (c.min_lat + c.max_lat - 2 * centre[1]) ** 2
        ),
    )[:44]
    territory = commune_outlines((c.pk, c.geometry) for c in near)

    def svg_size(drawn, rows):
        result = progress._shaded(drawn, rows)
        fake = progress.CampaignProgress("x", [], 0, 0, 0, [], 0, result)
        svg = render_map(fake)
        parse(svg)
        return len(svg.encode())

    rows = {c.pk: CommuneCount(c.insee_code, c.name, 12) for c in communes}
    assert len(department.paths) == len(communes)
    assert svg_size(department, rows) < 200_000
    assert len(territory.paths) == 44
    assert svg_size(territory, rows) < 60_000


def test_the_include_renders_the_legend_the_table_and_links(campaign, communes):
    add(campaign, "lavoir", communes[1], 3)
    with translation.override("en"):
        html = render_to_string(
            "inventories/map/_progress.html", {"progress": campaign_progress(campaign)}
        )
    assert "<caption>Published items per commune</caption>" in html
    assert "3 published items, in 1 of 3 communes." in html
    assert html.lower().count("no item yet") == 3  # the legend, Lézan and Vézénobres
    assert f"/inventaires/{campaign.slug}/fiches/?commune=30010" in html
    assert f"/inventaires/{campaign.slug}/fiches/?category=lavoir" in html
    for bucket in progress.BUCKETS:
        assert f'class="{bucket.css_class}"' in html


def test_the_stylesheet_defines_every_bucket():
    css = (
        Path(progress.__file__).parents[1] / "static" / "inventories" / "progress.css"
    ).read_text()
    for bucket in progress.BUCKETS:
        assert f".{bucket.css_class} {{ fill:" in css


def test_a_campaign_anywhere_with_nothing_yet_renders_a_plain_sentence():
    campaign = campaign_create(project=ProjectFactory(), title="Partout")
    result = campaign_progress(campaign)
    with translation.override("en"):
        html = render_to_string("inventories/map/_progress.html", {"progress": result})
    assert (result.communes, result.map, result.validated) == ([], None, 0)
    assert "0 published items." in html
    assert "<table" not in html and "<svg" not in html


def test_items_dated_by_century_are_counted_once(campaign, communes):
    """The cells are kept per century too (issue #20): an item of the 19th century is in
    the cells of every century and in those of its own; the progress and the item list's
    pager count it once."""
    vezenobres, anduze, _lezan = communes
    add(campaign, "lavoir", vezenobres, 3)
    add(campaign, "croix", anduze, 2)
    Contribution.objects.filter(campaign=campaign, category__slug="lavoir").update(century=19)
    Contribution.objects.filter(campaign=campaign, category__slug="croix").update(century=18)
    shown = campaign_progress(campaign)
    assert shown.validated == 5
    assert {row.name: row.count for row in shown.communes} == {
        "Anduze": 2,
        "Lézan": 0,
        "Vézénobres": 3,
    }
    assert {row.slug: row.count for row in shown.top_categories} == {"lavoir": 3, "croix": 2}
    assert published_count(campaign) == 5
    assert published_count(campaign, category="lavoir") == 3
    assert published_count(campaign, commune="30010") == 2
    assert published_count(campaign, century=19) == 3
    assert published_count(campaign, category="croix", century=18) == 2
    assert published_count(campaign, category="croix", century=19) == 0


def test_the_item_list_of_a_period_is_counted_from_the_cells(client, campaign, communes):
    """A period naming a century is counted from the cells like the other filters
    (issue #20: counting the 20,000 items of a century was 3 ms at 100,000 items on
    PostgreSQL); a period naming none counts the items whose answer holds its words."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tissage.inventories.models import CampaignField

    CampaignField.objects.create(campaign=campaign, key="siecle", label="Siècle", kind="period")
    vezenobres, anduze, _lezan = communes
    add(campaign, "lavoir", vezenobres, 3)
    add(campaign, "croix", anduze, 2)
    Contribution.objects.filter(campaign=campaign, category__slug="lavoir").update(century=19)
    Contribution.objects.filter(campaign=campaign, category__slug="croix").update(
        values={"siecle": "vers 1850, fin de chantier"}
    )
    url = reverse("inventories:items", kwargs={"slug": campaign.slug})
    client.cookies["django_language"] = "en"

    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, {"period": "XIXe"}).content.decode()

    assert "3 items" in page
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert not [q for q in counts if "inventories_contribution" in q], counts
    assert "0 items" in client.get(url, {"period": "XVIIe"}).content.decode()
    # Words that name no century: the items whose answer holds them, counted one by one.
    assert "2 items" in client.get(url, {"period": "chantier"}).content.decode()


def _published_in_bulk(campaign, communes, categories, *, origin, step, count=1_500):
    """`count` published items on a grid from `origin` (60 a row, `step` degrees apart),
    the communes and categories taken in turn, then the planner's statistics."""
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=categories[i % len(categories)],
            commune=communes[i % 3],
            title=f"Fiche {i}",
            longitude=origin[0] + (i % 60) * step,
            latitude=origin[1] + (i // 60) * step,
            century=10 + i % 10,
            status=Contribution.Status.VALIDATED,
            licence=campaign.licence,
            consent_at=timezone.now(),
        )
        for i in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def test_the_counts_read_the_coarsest_cells_by_their_level(client, campaign, communes):
    """The progress and the item list's pager sum the coarsest cells, found through
    `map_cell_level_idx`, not by reading every cell of the campaign (issue #20)."""
    _published_in_bulk(
        campaign, communes, [campaign.categories.get(slug="lavoir")], origin=(3.0, 43.0), step=0.05
    )
    for url in (f"/inventaires/{campaign.slug}/", f"/inventaires/{campaign.slug}/fiches/"):
        _response, (sql,) = page_reads(client, url, 'FROM "inventories_mapcell"', "SUM(")
        assert "map_cell_level_idx" in query_plan(sql), (url, query_plan(sql))


def test_the_map_finds_a_communes_items_of_a_category_through_its_index(client, campaign, communes):
    """The map's points with a commune and a category: the commune's items of that
    category, found through `contribution_commune_idx`, not every item of the view checked
    for both (issue #20: on PostgreSQL 5 ms at 100,000 items, 0.2 ms with it; on SQLite,
    whose planner cannot weigh a range and walked the view's longitudes, the lavoirs of
    Nîmes at zoom 10 grew 2.46× from 10,000 to 100,000 items in bench/map.py)."""
    categories = list(campaign.categories.order_by("pk"))
    _published_in_bulk(campaign, communes, categories, origin=(3.9, 44.0), step=0.005)
    url = f"/inventaires/{campaign.slug}/carte.geojson"
    query = {"bbox": "3.8,43.9,4.3,44.2", "zoom": 14, "category": "puits", "commune": "30010"}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    expected = sum(1 for i in range(1_500) if i % 7 == 2 and i % 3 == 1)
    assert response.json()["total"] == expected
    (sql,) = [
        q["sql"] for q in captured.captured_queries if 'FROM "inventories_contribution"' in q["sql"]
    ]
    plan = query_plan(sql)
    assert "contribution_commune_idx" in plan, plan
    assert "contribution_map_idx" not in plan, plan


def test_the_campaign_page_keeps_its_progress_and_shows_each_change_at_once(
    client, campaign, communes
):
    """The progress section is kept like a card (issue #20): the same HTML as rendered
    afresh, and an item published, a commune renamed or a category renamed shows at the
    next visit, since each makes another key."""
    cache.clear()
    add(campaign, "lavoir", communes[1], 3)
    url = f"/inventaires/{campaign.slug}/"

    def section():
        html = client.get(url).content.decode()
        start = html.index('<section class="progress"')
        return html[start : html.index("</section>", start) + len("</section>")]

    first = section()
    with translation.override("fr"):
        fresh = render_to_string(
            "inventories/map/_progress.html", {"progress": campaign_progress(campaign)}
        )
    assert first in fresh
    assert "3 fiches publiées, dans 1 communes sur 3." in first
    assert section() == first  # kept: the same answer

    add(campaign, "croix", communes[0], 2)
    assert "5 fiches publiées, dans 2 communes sur 3." in section()
    Commune.objects.filter(pk=communes[2].pk).update(name="Lézan-sur-Gardon")
    assert "Lézan-sur-Gardon" in section()
    Category.objects.filter(campaign=campaign, slug="croix").update(name="Croix de chemin")
    assert "Croix de chemin" in section()
