"""The actions' part of the home page: the next actions, their points on the map, and
what the actions gave (people, hours, the projects' impact counters)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.actions.models import Action, ImpactValue, Registration
from tissage.actions.registration.queries import places_left_of
from tissage.core.registry import HomeCounter, HomePart, HomePoint
from tissage.projects.access import projects_visible_to

from .queries import upcoming_for

NEXT_ACTIONS = 3
# The map shows the actions of the coming weeks, not a year of a weekly series.
MAP_ACTIONS = 200
# The projects' own counters shown at most ("trees planted", "metres of hedge"…).
IMPACT_COUNTERS = 3


def home_part() -> HomePart:
    """Five queries whatever the number of actions and registrations."""
    upcoming = upcoming_for(AnonymousUser())
    actions = list(
        upcoming.select_related("project", "commune").defer("commune__geometry")[:NEXT_ACTIONS]
    )
    left = places_left_of(actions)
    located = upcoming.filter(latitude__isnull=False, longitude__isnull=False)
    points = tuple(
        HomePoint("action", latitude, longitude, title, reverse("actions:detail", args=[slug]))
        for title, slug, latitude, longitude in located.values_list(
            "title", "slug", "latitude", "longitude"
        )[:MAP_ACTIONS]
        if latitude is not None and longitude is not None
    )
    return HomePart(
        template="actions/agenda/_home.html",
        context={"next_actions": [(action, left.get(action.pk, 0)) for action in actions]},
        position=10,
        points=points,
        counters=_counters(),
    )


def _counters() -> tuple[HomeCounter, ...]:
    now = timezone.now()
    public = projects_visible_to(AnonymousUser()).values("pk")
    # Who came to a published action that has begun: nobody marked absent. A person is
    # their address (guests without one each count once), and their companions count.
    came = (
        Registration.objects.confirmed()
        .filter(
            action__status=Action.Status.PUBLISHED,
            action__starts_at__lte=now,
            action__project__in=public,
        )
        .exclude(attended=False)
    )
    length = ExpressionWrapper(
        F("action__ends_at") - F("action__starts_at"), output_field=DurationField()
    )
    totals = came.aggregate(
        people=Count("email", distinct=True),
        companions=Sum("companions"),
        typed=Sum("hours"),
        planned=Sum(length, filter=Q(hours__isnull=True)),
    )
    people = totals["people"] + (totals["companions"] or 0)
    # Hours as `attendance.queries.hours_of` counts them: typed, else the action's length.
    hours = (totals["typed"] or Decimal(0)) + Decimal(
        (totals["planned"].total_seconds() if totals["planned"] else 0) / 3600
    )
    counters = [
        HomeCounter(
            people,
            ngettext(
                "person took part in an action",
                "people took part in an action",
                people,
            ),
        )
    ]
    impact = (
        ImpactValue.objects.filter(
            action__status=Action.Status.PUBLISHED,
            action__project__in=public,
            counter__project__in=public,
        )
        .values("counter__name", "counter__unit")
        .annotate(total=Sum("value"))
        .filter(total__gt=0)
        .order_by("-total", "counter__name")[:IMPACT_COUNTERS]
    )
    for row in impact:
        label = row["counter__name"]
        if row["counter__unit"]:
            label = _("%(what)s (%(unit)s)") % {"what": label, "unit": row["counter__unit"]}
        counters.append(HomeCounter(int(row["total"]), label))
    given = int(hours)
    counters.append(HomeCounter(given, ngettext("hour given", "hours given", given)))
    return tuple(counters)
