"""The report as a spreadsheet: one sheet per table of the `Figures`. A count of people
below the small-cell threshold is the text "< 5", never its number."""

from __future__ import annotations

from django.utils import dateparse
from django.utils.translation import gettext as _

from tissage.core.spreadsheets import Sheet, Value
from tissage.dashboard.charts import funnel_rows, people, rate_shown
from tissage.dashboard.figures import Count, Figures


def _cell(count: Count) -> Value:
    return count.shown if count.hidden else count.value


def report_sheets(figures: Figures, title: str) -> list[Sheet]:
    funnel = figures.funnel
    keys: list[list[Value]] = [
        [_("Report on"), title],
        [_("Start of the period"), figures.period.start],
        [_("End of the period"), figures.period.end],
        [_("People who took part"), _cell(figures.people)],
        [_("Newcomers"), _cell(figures.new)],
        [_("Coming back"), _cell(figures.returning)],
        [_("Communes reached"), len(figures.communes)],
    ]
    if funnel:
        keys += [
            [_("Actions held"), funnel.actions],
            [_("Hours given"), funnel.hours],
            [_("Contributions published"), _cell(people(funnel.contributions_published))],
        ]
    funnel_lines: list[list[Value]] = [
        [row.label, _cell(row.count)] for group in funnel_rows(figures) for row in group
    ]
    if funnel:
        funnel_lines = [
            [_("Actions held"), funnel.actions],
            *funnel_lines,
            [_("Hours given"), funnel.hours],
        ]
    return [
        Sheet(_("Key figures"), keys, label_column=True),
        Sheet(
            _("By month"),
            [[m.month, _cell(m.people), _cell(m.new), _cell(m.returning)] for m in figures.months],
            header=[_("Month"), _("People"), _("Newcomers"), _("Coming back")],
        ),
        Sheet(
            _("By commune"),
            [
                [
                    c.insee,
                    c.name,
                    _cell(c.people),
                    _cell(people(c.participations)),
                    c.population,
                    _rate(c.per_thousand, rate_shown(c)),
                ]
                for c in figures.communes
            ],
            header=[
                _("INSEE code"),
                _("Commune"),
                _("People"),
                _("Participations"),
                _("Inhabitants"),
                _("Per 1,000 inhabitants"),
            ],
        ),
        Sheet(
            _("Communes not reached"),
            [[code, name] for code, name in figures.communes_without],
            header=[_("INSEE code"), _("Commune")],
        ),
        Sheet(
            _("By way of taking part"),
            [[w.label, _cell(w.people), _cell(people(w.participations))] for w in figures.ways],
            header=[_("Way"), _("People"), _("Participations")],
        ),
        Sheet(_("Funnel"), funnel_lines, header=[_("Step"), _("Number")], label_column=True),
        Sheet(
            _("Impact"),
            [[i.label, i.value, i.unit] for i in figures.impacts],
            header=[_("Counter"), _("Total"), _("Unit")],
        ),
        Sheet(
            _("Actions"),
            [
                [
                    a.title,
                    dateparse.parse_datetime(a.starts_at) or a.starts_at,
                    a.commune,
                    _cell(people(a.registrations)),
                    _cell(people(a.present)),
                ]
                for a in figures.actions
            ],
            header=[_("Action"), _("Date"), _("Commune"), _("Registrations"), _("People present")],
        ),
    ]


def _rate(per_thousand: float | None, shown: str) -> Value:
    """The rate as a number where it may be given, else what the page shows."""
    return None if per_thousand is None or shown == "—" else round(per_thousand, 1)
