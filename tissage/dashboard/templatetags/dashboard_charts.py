"""The charts of a `Figures`, for the templates `dashboard/charts/*.html`:
`{% months_chart figures as chart %}`, then `{{ chart.svg }}` and its legend."""

import datetime

from django import template
from django.utils import dateparse

from tissage.dashboard import charts
from tissage.dashboard.figures import ActionLine, CommuneFigure, Figures

register = template.Library()


@register.simple_tag
def months_chart(figures: Figures) -> charts.Chart | None:
    return charts.months_chart(figures)


@register.simple_tag
def communes_map(figures: Figures) -> charts.Chart | None:
    return charts.communes_map(figures)


@register.simple_tag
def funnel_chart(figures: Figures) -> charts.Chart | None:
    return charts.funnel_chart(figures)


@register.simple_tag
def funnel_rows(figures: Figures) -> list[list[charts.FunnelRow]]:
    return charts.funnel_rows(figures)


@register.filter
def people(number: int) -> str:
    """A plain count of people under the small-cell rule, as shown: "< 5" below it."""
    return charts.people(number).shown


@register.filter
def rate(commune: CommuneFigure) -> str:
    return charts.rate_shown(commune)


@register.filter
def action_date(action: ActionLine) -> datetime.datetime | str:
    """When the action starts, read from the figures' ISO text."""
    return dateparse.parse_datetime(action.starts_at) or action.starts_at
