"""The reads behind `figures.figures_for`: a fixed number of aggregate queries over the
pre-aggregated facts (`models.py`), whatever the size of the data behind them."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.actions.models import ImpactValue
from tissage.inventories.models import Contribution
from tissage.organisations.models import Organisation
from tissage.projects.models import Project
from tissage.territories.models import Commune

from .figures import (
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
from .models import ActionTally, FirstParticipation, Participation
from .models import Way as Ways

# The list of actions a page or report shows at most (the funnel counts them all).
ACTIONS_LISTED = 300


def _scoped[M: Any](
    rows: QuerySet[M],
    scope: Scope,
    project: str = "project_id",
    organisation: str = "organisation_id",
) -> QuerySet[M]:
    if scope.project_id is not None:
        return rows.filter(**{project: scope.project_id})
    if scope.organisation_id is not None:
        return rows.filter(**{organisation: scope.organisation_id})
    return rows


def _firsts(scope: Scope) -> QuerySet[FirstParticipation]:
    """A person's first day in this scope: the rows of the scope, and only those."""
    rows = FirstParticipation.objects.all()
    if scope.project_id is not None:
        return rows.filter(project_id=scope.project_id)
    if scope.organisation_id is not None:
        return rows.filter(organisation_id=scope.organisation_id)
    return rows.filter(organisation_id__isnull=True, project_id__isnull=True)


def months_of(period: Period) -> list[datetime.date]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month(value: datetime.date | datetime.datetime) -> datetime.date:
    day = value.date() if isinstance(value, datetime.datetime) else value
    return day.replace(day=1)


def _territory(scope: Scope) -> QuerySet[Commune]:
    """The communes the scope covers: its project's, its organisation's, or, for the
    platform, every commune of the departments its organisations work in."""
    if scope.project_id is not None:
        return Commune.objects.filter(
            pk__in=Project.communes.through.objects.filter(project_id=scope.project_id).values(
                "commune_id"
            )
        )
    if scope.organisation_id is not None:
        return Commune.objects.filter(
            pk__in=Organisation.communes.through.objects.filter(
                organisation_id=scope.organisation_id
            ).values("commune_id")
        )
    departments = Commune.objects.filter(
        pk__in=Organisation.communes.through.objects.values("commune_id")
    ).values("department")
    return Commune.objects.filter(department__in=departments)


def _ways() -> dict[str, str]:
    return {
        Ways.ACCOUNT: _("On the website, with an account"),
        Ways.GUEST: _("On the website, without an account"),
        Ways.EMAIL: _("By email (collectives' lists)"),
        Ways.ASSISTED: _("Entered by a facilitator on someone's behalf"),
    }


def figures_compute(scope: Scope, period: Period) -> Figures:
    facts = _scoped(Participation.objects.all(), scope).filter(
        day__gte=period.start, day__lte=period.end
    )
    people = facts.aggregate(n=CountOf("person_key", distinct=True))["n"]

    by_month = {
        _month(row["month"]): row["people"]
        for row in facts.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(people=CountOf("person_key", distinct=True))
        .order_by()
    }
    new_by_month = {
        _month(row["month"]): row["new"]
        for row in _firsts(scope)
        .filter(day__gte=period.start, day__lte=period.end)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(new=CountOf("pk"))
        .order_by()
    }
    new = sum(new_by_month.values())
    months = [
        Month(
            month=month,
            people=Count.of_people(by_month.get(month, 0)),
            new=Count.of_people(new_by_month.get(month, 0)),
            returning=Count.of_people(by_month.get(month, 0) - new_by_month.get(month, 0)),
        )
        for month in months_of(period)
    ]

    communes = []
    for row in (
        facts.filter(commune__isnull=False)
        .values("commune__insee_code", "commune__name", "commune__population")
        .annotate(participations=Sum("count"), people=CountOf("person_key", distinct=True))
        .order_by("-participations", "commune__name")
    ):
        population = row["commune__population"]
        communes.append(
            CommuneFigure(
                insee=row["commune__insee_code"],
                name=row["commune__name"],
                people=Count.of_people(row["people"]),
                participations=row["participations"],
                population=population,
                per_thousand=(
                    round(row["participations"] * 1000 / population, 1) if population else None
                ),
            )
        )
    reached = {figure.insee for figure in communes}
    communes_without = [
        (insee, name)
        for insee, name in _territory(scope)
        .order_by("name", "insee_code")
        .values_list("insee_code", "name")
        if insee not in reached
    ]

    labels = _ways()
    found = {
        row["way"]: row
        for row in facts.values("way")
        .annotate(participations=Sum("count"), people=CountOf("person_key", distinct=True))
        .order_by()
    }
    ways = [
        Way(
            way=way,
            label=label,
            people=Count.of_people(found[way]["people"] if way in found else 0),
            participations=found[way]["participations"] if way in found else 0,
        )
        for way, label in labels.items()
    ]

    tallies = _scoped(ActionTally.objects.all(), scope).filter(
        day__gte=period.start, day__lte=period.end
    )
    actions = tallies.aggregate(
        count=CountOf("pk"),
        places=Sum("places"),
        registrations=Sum("registrations"),
        waiting=Sum("waiting"),
        present=Sum("present"),
        hours=Sum("hours"),
    )
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min)
    )
    Status = Contribution.Status
    items = _scoped(
        Contribution.objects.filter(created_at__gte=start, created_at__lt=end),
        scope,
        "campaign__project_id",
        "campaign__project__organisation_id",
    ).aggregate(
        submitted=CountOf("pk", filter=~Q(status=Status.AWAITING_EMAIL) & Q(external_ref="")),
        published=CountOf("pk", filter=Q(status=Status.VALIDATED) & Q(external_ref="")),
        refused=CountOf("pk", filter=Q(status=Status.REJECTED)),
    )
    funnel = Funnel(
        actions=actions["count"],
        places_offered=actions["places"] or 0,
        registrations=actions["registrations"] or 0,
        waiting=actions["waiting"] or 0,
        present=actions["present"] or 0,
        hours=round(actions["hours"] or 0, 1),
        contributions_submitted=items["submitted"],
        contributions_published=items["published"],
        contributions_refused=items["refused"],
    )

    impacts = [
        Impact(label=row["counter__name"], value=float(row["total"]), unit=row["counter__unit"])
        for row in _scoped(
            ImpactValue.objects.filter(action__starts_at__gte=start, action__starts_at__lt=end),
            scope,
            "action__project_id",
            "action__project__organisation_id",
        )
        .values("counter__name", "counter__unit")
        .annotate(total=Sum("value"), first=Min("counter__position"))
        .order_by("first", "counter__name")
    ]
    if funnel.contributions_published:
        impacts.append(
            Impact(label=_("inventory items published"), value=funnel.contributions_published)
        )

    listed = [
        ActionLine(
            title=tally.title,
            starts_at=timezone.localtime(tally.starts_at).isoformat(),
            commune=tally.commune_name,
            registrations=tally.registrations,
            present=tally.present,
        )
        for tally in tallies.only(
            "title", "starts_at", "commune_name", "registrations", "present"
        ).order_by("starts_at", "action_id")[:ACTIONS_LISTED]
    ]
    return Figures(
        scope=scope,
        period=period,
        people=Count.of_people(people),
        new=Count.of_people(new),
        returning=Count.of_people(people - new),
        months=months,
        communes=communes,
        communes_without=communes_without,
        ways=ways,
        funnel=funnel,
        impacts=impacts,
        actions=listed,
        actions_total=funnel.actions,
    )
