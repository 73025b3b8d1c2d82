"""Demo actions: six Saturday plantings of the Drôme association, with roles, and a
meeting of the collective; a few registrations, all through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tissage.accounts.models import User
from tissage.actions.manage.services import RoleInput, action_create, series_create
from tissage.actions.models import Action, ActionSeries
from tissage.actions.registration.services import registration_create
from tissage.projects.models import Project

SERIES_TITLE = "Plantation de haies champêtres"


def _next_saturday_at(hour: int) -> datetime.datetime:
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.datetime.combine(saturday, datetime.time(hour)))


def actions_load(*, planting: Project, collective: Project, inhabitant: User) -> None:
    if ActionSeries.objects.filter(project=planting, title=SERIES_TITLE).exists():
        return
    series = series_create(
        project=planting,
        title=SERIES_TITLE,
        first_starts_at=_next_saturday_at(9),
        duration=datetime.timedelta(hours=3),
        count=6,
        roles=[
            RoleInput("Planter", 12),
            RoleInput("Accueil et café", 2),
            RoleInput("Conducteur avec remorque", 1),
        ],
        kind=Action.Kind.WORKDAY,
        description=(
            "Une matinée pour planter une haie champêtre avec les agriculteurs de la "
            "vallée. Outils fournis, ouvert à toutes et tous, enfants accompagnés bienvenus."
        ),
        what_to_bring="Gants, bottes, une gourde",
        address="Chemin de la Sye, Aouste-sur-Sye",
        meeting_point="Parking de la salle des fêtes",
        contact="martin@vallee-drome.demo.tissage.example",
        longitude=5.062,
        latitude=44.717,
        status=Action.Status.PUBLISHED,
    )
    first = series.actions.order_by("starts_at").first()
    assert first is not None
    registration_create(
        action=first,
        role=first.roles.get(name="Planter"),
        name=inhabitant.public_name,
        email=inhabitant.email,
        user=inhabitant,
    )
    starts = _next_saturday_at(19) + datetime.timedelta(days=5)  # a Thursday evening
    action_create(
        project=collective,
        title="Réunion mensuelle du collectif",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        roles=[RoleInput("Participant", 60)],
        kind=Action.Kind.MEETING,
        address="Salle des fêtes, Saint-Martin-de-Londres",
        status=Action.Status.PUBLISHED,
    )
