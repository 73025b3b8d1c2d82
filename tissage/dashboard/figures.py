"""The mobilisation's figures for one scope and period: what the dashboard, the reports
and the public impact pages show. Only aggregates; a count of fewer than
`SMALL_CELL` people is never given as a number (`Count.shown` is "< 5").

`figures_for(scope, period)` computes a `Figures` from the pre-aggregated tables."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.core.cache import cache
from django.utils.translation import get_language

SMALL_CELL = 5


@dataclass(frozen=True)
class Count:
    """A count of people (or of what people did), hidden below the small-cell threshold
    when it counts people: `value` is None then, and `shown` reads "< 5"."""

    value: int | None

    @classmethod
    def of_people(cls, number: int) -> Count:
        return cls(None if 0 < number < SMALL_CELL else number)

    @property
    def hidden(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        return f"< {SMALL_CELL}" if self.value is None else f"{self.value}"


@dataclass(frozen=True)
class Scope:
    """Whose mobilisation: an organisation, a project, or the whole platform (both None)."""

    organisation_id: int | None = None
    project_id: int | None = None
    name: str = ""
    slug: str = ""  # the organisation's or the project's, for links to its reports


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included."""

    start: date
    end: date


@dataclass(frozen=True)
class Month:
    month: date  # the first day of the month
    people: Count  # distinct people who took part that month
    new: Count  # of whom took part for the first time in this scope
    returning: Count


@dataclass(frozen=True)
class CommuneFigure:
    insee: str
    name: str
    people: Count
    participations: int
    population: int | None
    per_thousand: float | None  # participations per 1,000 inhabitants, where known


@dataclass(frozen=True)
class Way:
    """A way of taking part: "account", "guest", "email", "assisted"."""

    way: str
    label: str
    people: Count
    participations: int


@dataclass(frozen=True)
class Funnel:
    actions: int
    places_offered: int
    registrations: int
    waiting: int
    present: int
    hours: float
    contributions_submitted: int
    contributions_published: int
    contributions_refused: int


@dataclass(frozen=True)
class Impact:
    label: str  # e.g. "arbres plantés", already translated
    value: float
    unit: str = ""


@dataclass(frozen=True)
class ActionLine:
    """An action of the period, for the reports' list."""

    title: str
    starts_at: str  # ISO date-time
    commune: str
    registrations: int
    present: int


@dataclass(frozen=True)
class Figures:
    scope: Scope
    period: Period
    people: Count  # distinct people over the whole period
    new: Count
    returning: Count
    months: list[Month] = field(default_factory=list)
    communes: list[CommuneFigure] = field(default_factory=list)  # with participation
    communes_without: list[tuple[str, str]] = field(default_factory=list)  # (insee, name)
    ways: list[Way] = field(default_factory=list)
    funnel: Funnel | None = None
    impacts: list[Impact] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)  # the first ACTIONS_LISTED
    actions_total: int = 0  # every action of the period, listed or not


# Figures change only when the facts do (a refresh): kept until then, at most this long.
CACHE_SECONDS = 2 * 24 * 3600


def figures_for(scope: Scope, period: Period) -> Figures:
    """The figures of one scope over one period, from the pre-aggregated tables.

    Computed once per refresh of the facts, scope, period and language (the labels are
    translated), then kept in the cache: the key holds the latest `Refresh`, so a new
    refresh makes every kept figure stale at once, in every process."""
    # queries.py and models.py build on the dataclasses above: imported here, not at the
    # top, to avoid a cycle.
    from .models import Refresh
    from .queries import figures_compute

    stamp = Refresh.objects.order_by("-pk").values_list("pk", flat=True).first()
    key = (
        f"dashboard:figures:{stamp}:{scope.organisation_id}:{scope.project_id}:"
        f"{period.start.isoformat()}:{period.end.isoformat()}:{get_language()}"
    )
    figures = cache.get(key)
    if figures is None:
        figures = figures_compute(scope, period)
        cache.set(key, figures, CACHE_SECONDS)
    return replace(figures, scope=scope)
