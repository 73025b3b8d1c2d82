"""Charts drawn on the server as SVG from a `Figures`: no script, readable by screen
readers (role="img", a <title> and a <desc>; the templates always put the same figures in
a table next to each chart) and printable by WeasyPrint.

Colours come from the design tokens twice over: each shape has a class that the site's
stylesheet fills with `var(--…)` (dashboard/charts.css), and a `fill` attribute with the
token's value read from the stylesheet's `:root` (`core.design.colour_tokens`). On screen
the class wins (a CSS rule outranks a presentation attribute); WeasyPrint does not apply
the page's stylesheet inside an inline SVG, so the PDF takes the attribute. An inline
`style` would be refused by the Content-Security-Policy.

Counts of people below the small-cell threshold are never drawn to scale: a hidden count
is a hatched stub of the same size whatever its value, labelled "< 5".
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.core.design import colour_tokens
from tissage.territories.models import Commune
from tissage.territories.outlines import cached_outlines

from .figures import SMALL_CELL, CommuneFigure, Count, Figures

# How high a hidden count is drawn, in the chart's own units of people: half the threshold,
# the same for every hidden cell, so that its height says nothing of its value.
HIDDEN_HEIGHT = SMALL_CELL / 2


def people(number: int) -> Count:
    """A number of people (or of what people did: registrations, participations) under the
    small-cell rule, for the figures the contract gives as plain integers."""
    return Count.of_people(number)


def rate_shown(commune: CommuneFigure) -> str:
    """Participations per 1,000 inhabitants as shown: "—" when the population is unknown or
    when so few took part that the rate would give their number away."""
    if commune.per_thousand is None:
        return "—"
    if people(commune.participations).hidden:
        return "—"
    return _number(round(commune.per_thousand, 1))


# Colours ----------------------------------------------------------------------------------


def _token(name: str) -> str:
    return colour_tokens()[name]


def _mix(first: str, second: str, share: float) -> str:
    """`share` of the second colour in the first, like CSS `color-mix(in srgb, …)`."""
    a, b = _token(first), _token(second)
    channels = (
        round(int(a[i : i + 2], 16) * (1 - share) + int(b[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def _fills() -> dict[str, str]:
    """Each chart class → the colour the PDF gets; charts.css gives the same by token."""
    return {
        "chart-returning": _token("green"),
        "chart-new": _token("terracotta"),
        "chart-c1": _token("green-light"),
        "chart-c2": _mix("green-light", "green", 0.5),
        "chart-c3": _token("green"),
        "chart-c4": _token("green-dark"),
        "chart-bar": _token("green"),
        "chart-text": _token("ink"),
        "chart-muted": _token("muted"),
        "chart-line": _token("border"),
        "chart-outline": _token("border-strong"),
        "chart-paper": _token("surface"),
    }


# SVG pieces -------------------------------------------------------------------------------


def _attrs(attributes: dict[str, object]) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )


def _el(tag: str, children: str = "", **attributes: object) -> str:
    if children:
        return f"<{tag}{_attrs(attributes)}>{children}</{tag}>"
    return f"<{tag}{_attrs(attributes)}/>"


def _shape(tag: str, css_class: str, tooltip: str = "", **attributes: object) -> str:
    """A shape of a class, filled with its colour unless `attributes` say otherwise."""
    merged = {"class_": css_class, "fill": _fills().get(css_class), **attributes}
    return _el(tag, _el("title", escape(tooltip)) if tooltip else "", **merged)


def _hatch_defs(pattern_id: str) -> str:
    """A hatching for what has no figure to draw (a hidden count, a commune with none)."""
    fills = _fills()
    return _el(
        "defs",
        _el(
            "pattern",
            _el("rect", class_="chart-paper", width=6, height=6, fill=fills["chart-paper"])
            + _el(
                "path",
                class_="chart-hatch",
                d="M0 0V6",
                stroke=fills["chart-outline"],
                stroke_width=1.5,
            ),
            id=pattern_id,
            width=6,
            height=6,
            patternUnits="userSpaceOnUse",
            patternTransform="rotate(45)",
        ),
    )


def _svg(
    width: float, height: float, title: str, description: str, body: str, css_class: str
) -> SafeString:
    uid = secrets.token_hex(4)
    return mark_safe(  # noqa: S308 — every text and attribute above went through escape()
        _el(
            "svg",
            _el("title", escape(title), id=f"chart-{uid}-t")
            + _el("desc", escape(description), id=f"chart-{uid}-d")
            + body,
            xmlns="http://www.w3.org/2000/svg",
            class_=f"chart-svg {css_class}",
            viewBox=f"0 0 {width:g} {height:g}",
            role="img",
            aria_labelledby=f"chart-{uid}-t chart-{uid}-d",
        )
    )


def _number(value: float) -> str:
    return formats.number_format(value, 0 if float(value).is_integer() else 1, use_l10n=True)


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str
    swatch: SafeString  # a small SVG of the colour, hatched when the class is


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    legend: list[LegendEntry] = field(default_factory=list)


def _swatch(css_class: str) -> SafeString:
    if css_class == "chart-none":
        pattern = f"hatch-{secrets.token_hex(4)}"
        body = _hatch_defs(pattern) + _el(
            "rect", width=16, height=16, fill=f"url(#{pattern})", stroke=_fills()["chart-outline"]
        )
    else:
        body = _shape("rect", css_class, width=16, height=16, stroke=_fills()["chart-outline"])
    return mark_safe(  # noqa: S308 — built from fixed names
        _el("svg", body, class_="chart-swatch", viewBox="0 0 16 16", aria_hidden="true")
    )


# (a) People per month ---------------------------------------------------------------------

MONTHS_WIDTH = 480
MONTHS_HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 8, 20, 48


def _nice_step(maximum: float) -> float:
    """A round step for about four grid lines up to `maximum`."""
    rough = max(maximum, 1) / 4
    magnitude = 10 ** (len(str(int(rough))) - 1)
    for multiple in (1, 2, 5, 10):
        if rough <= multiple * magnitude:
            return float(multiple * magnitude)
    return float(10 * magnitude)


def _height_of(count: Count) -> float:
    return HIDDEN_HEIGHT if count.hidden else float(count.value or 0)


def months_chart(figures: Figures) -> Chart | None:
    """Bars of the people who took part each month, returning ones below and new ones on
    top. None when the period has no month with figures."""
    months = figures.months
    if not months:
        return None
    hatch = f"hatch-{secrets.token_hex(4)}"
    top = max(_height_of(m.new) + _height_of(m.returning) for m in months)
    step = _nice_step(top)
    ceiling = step * max(1, -(-top // step))
    plot_width = MONTHS_WIDTH - _LEFT - _RIGHT
    plot_height = MONTHS_HEIGHT - _TOP - _BOTTOM
    scale = plot_height / ceiling
    parts = [_hatch_defs(hatch)]
    tick = 0.0
    while tick <= ceiling:
        y = _TOP + plot_height - tick * scale
        parts.append(
            _shape(
                "path",
                "chart-line",
                d=f"M{_LEFT} {y:.1f}H{MONTHS_WIDTH - _RIGHT}",
                stroke=_fills()["chart-line"],
                fill=None,
            )
        )
        parts.append(
            _el(
                "text",
                _number(tick),
                x=_LEFT - 6,
                y=f"{y + 4:.1f}",
                text_anchor="end",
                class_="chart-text",
                fill=_fills()["chart-text"],
                font_size=15,
            )
        )
        tick += step
    slot = plot_width / len(months)
    bar = min(48.0, slot * 0.7)
    label_every = 1 if len(months) <= 12 else -(-len(months) // 12)
    for number, month in enumerate(months):
        x = _LEFT + number * slot + (slot - bar) / 2
        base: float = _TOP + plot_height
        name = formats.date_format(month.month, "F Y")
        for count, css_class, text in (
            (month.returning, "chart-returning", _("people coming back")),
            (month.new, "chart-new", _("newcomers")),
        ):
            height = _height_of(count) * scale
            if height <= 0:
                continue
            base -= height
            tooltip = f"{name} · {text} : {count.shown}"
            if count.hidden:
                parts.append(
                    _el(
                        "rect",
                        _el("title", escape(tooltip)),
                        class_="chart-hidden",
                        x=f"{x:.1f}",
                        y=f"{base:.1f}",
                        width=f"{bar:.1f}",
                        height=f"{height:.1f}",
                        fill=f"url(#{hatch})",
                        stroke=_fills()["chart-outline"],
                    )
                )
            else:
                parts.append(
                    _shape(
                        "rect",
                        css_class,
                        tooltip,
                        x=f"{x:.1f}",
                        y=f"{base:.1f}",
                        width=f"{bar:.1f}",
                        height=f"{height:.1f}",
                    )
                )
        parts.append(
            _el(
                "text",
                escape(month.people.shown),
                x=f"{x + bar / 2:.1f}",
                y=f"{base - 4:.1f}",
                text_anchor="middle",
                class_="chart-text",
                fill=_fills()["chart-text"],
                font_size=15,
            )
        )
        if number % label_every == 0:
            label = formats.date_format(month.month, "M")
            year = formats.date_format(month.month, "Y")
            parts.append(
                _el(
                    "text",
                    escape(label) + _el("tspan", escape(year), x=f"{x + bar / 2:.1f}", dy=17),
                    x=f"{x + bar / 2:.1f}",
                    y=MONTHS_HEIGHT - _BOTTOM + 16,
                    text_anchor="middle",
                    class_="chart-text",
                    fill=_fills()["chart-text"],
                    font_size=15,
                )
            )
    total = figures.people.shown
    svg = _svg(
        MONTHS_WIDTH,
        MONTHS_HEIGHT,
        _("People who took part, month by month"),
        _(
            "Bars per month: people who came back below, people taking part for the first "
            "time on top. %(total)s people over the period; the table below gives each month."
        )
        % {"total": total},
        "".join(parts),
        "chart-months",
    )
    return Chart(
        svg,
        [
            LegendEntry("chart-returning", _("people coming back"), _swatch("chart-returning")),
            LegendEntry("chart-new", _("newcomers"), _swatch("chart-new")),
            LegendEntry("chart-none", _("fewer than 5 people"), _swatch("chart-none")),
        ],
    )


# (b) The map of communes ------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    css_class: str
    minimum: float
    label: str


def _buckets(per_thousand: bool) -> list[Bucket]:
    if per_thousand:
        return [
            Bucket("chart-c1", 0, _("fewer than 5 participations per 1,000 inhabitants")),
            Bucket("chart-c2", 5, _("5 to 19 per 1,000 inhabitants")),
            Bucket("chart-c3", 20, _("20 to 99 per 1,000 inhabitants")),
            Bucket("chart-c4", 100, _("100 or more per 1,000 inhabitants")),
        ]
    return [
        Bucket("chart-c1", 1, _("fewer than 5 participations")),
        Bucket("chart-c2", 5, _("5 to 19 participations")),
        Bucket("chart-c3", 20, _("20 to 99 participations")),
        Bucket("chart-c4", 100, _("100 participations or more")),
    ]


def map_by_thousand(communes: Sequence[CommuneFigure]) -> bool:
    """One measure for the whole map, so that its legend reads one way: participations per
    1,000 inhabitants when every commune reached has a known population, else counts."""
    return bool(communes) and all(c.per_thousand is not None for c in communes)


def _bucket(value: float, buckets: list[Bucket]) -> Bucket:
    chosen = buckets[0]
    for bucket in buckets:
        if value >= bucket.minimum:
            chosen = bucket
    return chosen


def communes_map(figures: Figures) -> Chart | None:
    """A choropleth of the communes reached and those not reached yet, from their outlines
    (`territories.outlines`, cached). None when no commune has an outline. Two queries at
    most: the communes' ids by INSEE code, then their contours unless cached."""
    codes = [c.insee for c in figures.communes] + [code for code, _name in figures.communes_without]
    if not codes:
        return None
    pks = dict(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", "pk"))
    outlines = cached_outlines(pks.values())
    if outlines is None or not outlines.paths:
        return None
    by_thousand = map_by_thousand(figures.communes)
    buckets = _buckets(by_thousand)
    hatch = f"hatch-{secrets.token_hex(4)}"
    outline = _fills()["chart-outline"]
    parts = [_hatch_defs(hatch)]
    for code, name in figures.communes_without:
        path = outlines.paths.get(pks.get(code, -1))
        if path:
            tooltip = _("%(name)s: no participation yet") % {"name": name}
            parts.append(
                _el(
                    "path",
                    _el("title", escape(tooltip)),
                    class_="chart-none",
                    d=path,
                    fill=f"url(#{hatch})",
                    stroke=outline,
                )
            )
    for commune in figures.communes:
        path = outlines.paths.get(pks.get(commune.insee, -1))
        if not path:
            continue
        shown = people(commune.participations).shown
        if by_thousand and commune.per_thousand is not None:
            value = commune.per_thousand
            tooltip = _("%(name)s: %(count)s participations, %(rate)s per 1,000 inhabitants") % {
                "name": commune.name,
                "count": shown,
                "rate": rate_shown(commune),
            }
        else:
            value = commune.participations
            tooltip = _("%(name)s: %(count)s participations") % {
                "name": commune.name,
                "count": shown,
            }
        css_class = _bucket(value, buckets).css_class
        parts.append(_shape("path", css_class, tooltip, d=path, stroke=outline))
    reached = len(figures.communes)
    description = ngettext(
        "%(reached)d commune reached, %(without)d not reached yet (hatched). The table below "
        "gives each commune's figures.",
        "%(reached)d communes reached, %(without)d not reached yet (hatched). The table below "
        "gives each commune's figures.",
        reached,
    ) % {"reached": reached, "without": len(figures.communes_without)}
    svg = _svg(
        outlines.width,
        outlines.height,
        _("Participation by commune"),
        description,
        "".join(parts),
        "chart-map",
    )
    legend = [LegendEntry(b.css_class, b.label, _swatch(b.css_class)) for b in buckets]
    legend.append(LegendEntry("chart-none", _("no participation yet"), _swatch("chart-none")))
    return Chart(svg, legend)


# (c) The funnel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelRow:
    label: str
    count: Count


def funnel_rows(figures: Figures) -> list[list[FunnelRow]]:
    """The funnel's two groups (actions, then inventories), each a list of steps; a group
    with nothing in it is left out."""
    funnel = figures.funnel
    if funnel is None:
        return []
    groups = [
        [
            FunnelRow(_("Places offered"), Count(funnel.places_offered)),
            FunnelRow(_("Registrations"), people(funnel.registrations)),
            FunnelRow(_("On the waiting list"), people(funnel.waiting)),
            FunnelRow(_("People present"), people(funnel.present)),
        ],
        [
            FunnelRow(_("Contributions submitted"), people(funnel.contributions_submitted)),
            FunnelRow(_("Contributions published"), people(funnel.contributions_published)),
            FunnelRow(_("Contributions refused"), people(funnel.contributions_refused)),
        ],
    ]
    return [group for group in groups if any(row.count.value != 0 for row in group)]


FUNNEL_WIDTH = 560
_ROW = 34
_LABEL = 230


def funnel_chart(figures: Figures) -> Chart | None:
    groups = funnel_rows(figures)
    if not groups:
        return None
    hatch = f"hatch-{secrets.token_hex(4)}"
    fills = _fills()
    parts = [_hatch_defs(hatch)]
    y = 8.0
    plot = FUNNEL_WIDTH - _LABEL - 70
    for group in groups:
        widest = max(_height_of(row.count) for row in group) or 1
        for row in group:
            width = max(_height_of(row.count) / widest * plot, 0)
            parts.append(
                _el(
                    "text",
                    escape(row.label),
                    x=_LABEL - 8,
                    y=f"{y + 21:.1f}",
                    text_anchor="end",
                    class_="chart-text",
                    fill=fills["chart-text"],
                    font_size=16,
                )
            )
            tooltip = f"{row.label} : {row.count.shown}"
            if row.count.hidden:
                parts.append(
                    _el(
                        "rect",
                        _el("title", escape(tooltip)),
                        class_="chart-hidden",
                        x=_LABEL,
                        y=f"{y + 4:.1f}",
                        width=f"{width:.1f}",
                        height=_ROW - 8,
                        fill=f"url(#{hatch})",
                        stroke=fills["chart-outline"],
                    )
                )
            elif width > 0:
                parts.append(
                    _shape(
                        "rect",
                        "chart-bar",
                        tooltip,
                        x=_LABEL,
                        y=f"{y + 4:.1f}",
                        width=f"{width:.1f}",
                        height=_ROW - 8,
                    )
                )
            parts.append(
                _el(
                    "text",
                    escape(row.count.shown),
                    x=f"{_LABEL + width + 6:.1f}",
                    y=f"{y + 21:.1f}",
                    class_="chart-text",
                    fill=fills["chart-text"],
                    font_size=16,
                )
            )
            y += _ROW
        y += _ROW / 2
    svg = _svg(
        FUNNEL_WIDTH,
        y,
        _("From places offered to people present"),
        _(
            "Horizontal bars, one per step: places offered, registrations, waiting list and "
            "people present at the actions; contributions submitted, published and refused. "
            "The table below gives the same figures."
        ),
        "".join(parts),
        "chart-funnel",
    )
    return Chart(svg)


def all_charts(figures: Figures) -> dict[str, Chart | None]:
    return {
        "months": months_chart(figures),
        "map": communes_map(figures),
        "funnel": funnel_chart(figures),
    }
