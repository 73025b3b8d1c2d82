"""Figures made by hand, for the reports' and impact pages' tests: the views get them from
a replaced `figures_for`, whose real computation is tested with the dashboard."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import pytest

from tissage.core.tests.factories import CommuneFactory
from tissage.dashboard.figures import (
    ActionLine,
    CommuneFigure,
    Count,
    Figures,
    Funnel,
    Impact,
    Month,
    Period,
    Scope,
    Way,
)
from tissage.territories.models import Commune

FiguresFor = Callable[[Scope, Period], Figures]


def figures_example(
    scope: Scope,
    period: Period,
    *,
    reached: Sequence[Commune] = (),
    without: Sequence[Commune] = (),
) -> Figures:
    """A season of a mobilisation: 137 people, one month with only 3 newcomers (hidden),
    a commune with 2 participations (hidden), two actions."""
    communes = [
        CommuneFigure(
            c.insee_code,
            c.name,
            Count.of_people(max(5, 40 - 20 * n)),
            max(5, 60 - 20 * n),
            1200,
            None,
        )
        for n, c in enumerate(reached)
    ]
    communes = [
        CommuneFigure(
            c.insee,
            c.name,
            c.people,
            c.participations,
            c.population,
            c.participations * 1000 / c.population if c.population else None,
        )
        for c in communes
    ]
    communes.append(CommuneFigure("98999", "Hameau-du-Bout", Count.of_people(2), 2, 80, 25.0))
    return Figures(
        scope=scope,
        period=period,
        people=Count.of_people(137),
        new=Count.of_people(88),
        returning=Count.of_people(49),
        months=[
            Month(
                datetime.date(2026, 3, 1),
                Count.of_people(51),
                Count.of_people(51),
                Count.of_people(0),
            ),
            Month(
                datetime.date(2026, 4, 1),
                Count.of_people(40),
                Count.of_people(3),
                Count.of_people(37),
            ),
            Month(
                datetime.date(2026, 5, 1),
                Count.of_people(46),
                Count.of_people(34),
                Count.of_people(12),
            ),
        ],
        communes=communes,
        communes_without=[(c.insee_code, c.name) for c in without],
        ways=[
            Way("account", "web, with an account", Count.of_people(101), 180),
            Way("guest", "web, as a guest", Count.of_people(29), 31),
            Way("email", "by email", Count.of_people(4), 4),
            Way("assisted", "entered by a facilitator", Count.of_people(0), 0),
        ],
        funnel=Funnel(
            actions=12,
            places_offered=240,
            registrations=198,
            waiting=3,
            present=171,
            hours=513.5,
            contributions_submitted=64,
            contributions_published=58,
            contributions_refused=2,
        ),
        impacts=[Impact("trees planted", 4300), Impact("hedges", 1.2, "km")],
        actions=[
            ActionLine(
                "Plantation de haies à Saint-Jean",
                "2026-03-14T09:00:00+01:00",
                "Saint-Jean",
                42,
                39,
            ),
            ActionLine("Chantier de l’aire de jeux", "2026-04-02T14:00:00+02:00", "Valcroze", 3, 2),
        ],
    )


@pytest.fixture
def fake_figures(monkeypatch: pytest.MonkeyPatch, db: None) -> list[tuple[Scope, Period]]:
    """Replaces `figures_for` with `figures_example` over three communes with outlines
    (two reached, one not yet); the list records each call."""
    calls: list[tuple[Scope, Period]] = []
    reached = CommuneFactory.create_batch(2)
    without = [CommuneFactory(name="Les Oubliés")]

    def fake(scope: Scope, period: Period) -> Figures:
        calls.append((scope, period))
        return figures_example(scope, period, reached=reached, without=without)

    monkeypatch.setattr("tissage.dashboard.figures.figures_for", fake)
    return calls
