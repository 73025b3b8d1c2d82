import datetime
import re

import pytest

from tissage.core.design import colour_tokens
from tissage.dashboard import charts
from tissage.dashboard.figures import CommuneFigure, Count, Figures, Period, Scope
from tissage.territories.models import Commune

from .reports.fakes import figures_example

pytestmark = pytest.mark.usefixtures("english")

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


@pytest.fixture
def figures(fake_figures) -> Figures:
    from tissage.dashboard import figures as module

    return module.figures_for(Scope(name="Haies"), PERIOD)


def test_the_months_chart_is_an_accessible_image_that_never_draws_a_hidden_count(figures):
    chart = charts.months_chart(figures)
    assert chart is not None
    svg = str(chart.svg)
    assert 'role="img"' in svg
    assert re.search(r'aria-labelledby="(chart-\w+-t) (chart-\w+-d)"', svg)
    assert "<title" in svg and "<desc" in svg
    assert "<script" not in svg and "style=" not in svg
    # April had 3 newcomers: a hatched stub, labelled "< 5", never the number.
    assert "April 2026 · newcomers : &lt; 5" in svg
    assert "newcomers : 3<" not in svg
    assert 'class="chart-hidden"' in svg
    assert [entry.css_class for entry in chart.legend] == [
        "chart-returning",
        "chart-new",
        "chart-none",
    ]


def test_the_charts_fill_with_the_design_tokens(figures):
    tokens = colour_tokens()
    svg = str(charts.months_chart(figures).svg)
    assert f'class="chart-returning" fill="{tokens["green"]}"' in svg
    assert f'class="chart-new" fill="{tokens["terracotta"]}"' in svg


def test_no_month_no_chart(figures):
    assert charts.months_chart(Figures(figures.scope, PERIOD, Count(0), Count(0), Count(0))) is None


def test_the_map_shades_by_rate_when_every_population_is_known(figures):
    chart = charts.communes_map(figures)
    assert chart is not None
    svg = str(chart.svg)
    # Two communes reached with outlines (50 and 33 per 1,000), one not reached yet; the
    # commune without an outline stays in the table only.
    assert svg.count('<path class="chart-c3"') == 2
    assert svg.count('<path class="chart-none"') == 1
    assert "Les Oubliés: no participation yet" in svg
    assert "per 1,000 inhabitants" in chart.legend[0].label
    assert chart.legend[-1].css_class == "chart-none"


def test_the_map_shades_by_count_when_a_population_is_unknown(figures):
    unknown = CommuneFigure("98997", "Sans-Recensement", Count(12), 12, None, None)
    mixed = Figures(
        figures.scope,
        PERIOD,
        figures.people,
        figures.new,
        figures.returning,
        communes=[*figures.communes, unknown],
        communes_without=figures.communes_without,
    )
    chart = charts.communes_map(mixed)
    assert chart.legend[0].label == "fewer than 5 participations"
    # 60 and 40 participations: the 20 to 99 class.
    assert str(chart.svg).count('<path class="chart-c3"') == 2


def test_a_rate_is_not_given_where_so_few_took_part(figures):
    hamlet = figures.communes[-1]
    assert hamlet.participations == 2
    assert charts.rate_shown(hamlet) == "—"
    assert charts.rate_shown(figures.communes[1]) == "33.3"


@pytest.mark.django_db
def test_no_commune_no_map():
    assert Commune.objects.count() == 0
    empty = figures_example(Scope(), PERIOD)
    assert charts.communes_map(Figures(empty.scope, PERIOD, Count(0), Count(0), Count(0))) is None
    # Communes unknown to the database (no outline): no map either.
    assert charts.communes_map(empty) is None


def test_the_funnel_draws_a_bar_per_step_and_hides_small_counts(figures):
    svg = str(charts.funnel_chart(figures).svg)
    assert svg.count('class="chart-bar"') == 5
    assert svg.count('class="chart-hidden"') == 2  # 3 on the waiting list, 2 refused
    assert "On the waiting list : &lt; 5" in svg
    assert ">3<" not in svg


def test_the_funnel_leaves_out_a_group_with_nothing(figures):
    rows = charts.funnel_rows(figures)
    assert [len(group) for group in rows] == [4, 3]
