"""Reads about the day and after an action: the check-in list, hours given, the past
actions whose impact is filled in, their values, totals per project and per commune."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.actions.models import Action, ImpactCounter, ImpactValue, Registration
from tissage.projects.models import Project

HOURS_STEP = Decimal("0.01")


def action_hours(action: Action) -> Decimal:
    """The length of the action in hours, to the hundredth."""
    seconds = Decimal((action.ends_at - action.starts_at).total_seconds())
    return (seconds / 3600).quantize(HOURS_STEP)


def hours_of(registration: Registration) -> Decimal:
    """Hours given by one person: what the facilitator typed, else the action's length.

    Nobody marked absent gave any hours; someone not checked yet counts as planned."""
    if registration.attended is False:
        return Decimal("0.00")
    if registration.hours is not None:
        return registration.hours
    return action_hours(registration.action)


def check_in_list(action: Action) -> list[Registration]:
    """The confirmed registrations of the action, by name: the check-in list and the
    printed sign-in sheet."""
    return list(
        Registration.objects.filter(action=action)
        .confirmed()
        .select_related("role")
        .order_by("name", "pk")
    )


def impact_actions(project: Project, now: datetime.datetime | None = None) -> list[Action]:
    """Past published actions of the project, newest first: those whose impact is filled."""
    return list(
        Action.objects.published()
        .filter(project=project, starts_at__lte=now or timezone.now())
        .select_related("commune")
        .order_by("-starts_at", "-pk")
    )


def impact_values(project: Project, actions: Sequence[Action]) -> dict[tuple[int, int], Decimal]:
    """(action id, counter id) → value, for these actions of the project: one query."""
    return {
        (value.action_id, value.counter_id): value.value
        for value in ImpactValue.objects.filter(counter__project=project, action__in=actions)
    }


@dataclass
class CommuneTotals:
    name: str
    insee_code: str
    # Counter id → sum of its values for the actions in this commune.
    totals: dict[int, Decimal] = field(default_factory=dict)


@dataclass
class ImpactTotals:
    counters: list[ImpactCounter]
    totals: dict[int, Decimal]
    communes: list[CommuneTotals]

    def project_row(self) -> list[Decimal]:
        return [self.totals.get(c.pk, Decimal(0)) for c in self.counters]

    def project_pairs(self) -> list[tuple[ImpactCounter, Decimal]]:
        return list(zip(self.counters, self.project_row(), strict=True))

    def commune_rows(self) -> list[tuple[CommuneTotals, list[Decimal]]]:
        return [
            (commune, [commune.totals.get(c.pk, Decimal(0)) for c in self.counters])
            for commune in self.communes
        ]


def impact_totals(project: Project) -> ImpactTotals:
    """Sums per counter for the project and per commune of its published actions: two
    queries whatever the number of actions."""
    counters = list(ImpactCounter.objects.filter(project=project))
    rows = (
        ImpactValue.objects.filter(counter__project=project, action__status=Action.Status.PUBLISHED)
        .values(
            "counter", "action__commune", "action__commune__name", "action__commune__insee_code"
        )
        .annotate(total=Sum("value"))
        .order_by("action__commune__name", "action__commune")
    )
    totals: dict[int, Decimal] = {}
    communes: dict[int | None, CommuneTotals] = {}
    for row in rows:
        counter = row["counter"]
        totals[counter] = totals.get(counter, Decimal(0)) + row["total"]
        commune = communes.setdefault(
            row["action__commune"],
            CommuneTotals(
                name=row["action__commune__name"] or _("No commune given"),
                insee_code=row["action__commune__insee_code"] or "",
            ),
        )
        commune.totals[counter] = commune.totals.get(counter, Decimal(0)) + row["total"]
    ordered = sorted(communes.values(), key=lambda c: (not c.insee_code, c.name))
    return ImpactTotals(counters=counters, totals=totals, communes=ordered)
