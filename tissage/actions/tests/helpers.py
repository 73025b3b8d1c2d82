"""Helpers shared by the actions app's tests: actions, registrations and answers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tissage.actions import personal_data
from tissage.actions.attendance.services import walk_in_add
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action, ImpactCounter, ImpactValue, Registration
from tissage.actions.registration import services as registration_services
from tissage.actions.registration.services import registration_create
from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    user_with_role,
)
from tissage.core.tests.matrices import FORBIDDEN, LOGIN, NOT_FOUND, OK, matrix

# A draft action of a published project: only who manages it sees it.
STAFF_DRAFT_ACTION = matrix(
    anonymous=LOGIN,
    participant=NOT_FOUND,
    project_member=NOT_FOUND,
    project_facilitator=OK,
    organisation_facilitator=OK,
    organisation_admin=OK,
    superuser=OK,
)


def make_action(places: int = 10, **fields):
    # At 9:00 local time: an action that starts late in the evening ends after midnight,
    # which the action form (one date, two times) cannot say, so tests that edit it would
    # fail depending on the hour they run at.
    starts_at = in_days(7)
    fields.setdefault("status", "published")
    return action_create(
        project=ProjectFactory(),
        title="Plantation de haies",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", places), RoleInput("Accueil et café", 2)],
        address="Place de la mairie, Crest",
        meeting_point="Devant la mairie",
        what_to_bring="Gants et bottes",
        **fields,
    )


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def an_action(project, places: int = 3, **fields) -> Action:
    fields.setdefault("status", "published")
    return action_create(
        project=project,
        title="Plantation de haies",
        starts_at=in_days(10),
        ends_at=in_days(10, 12),
        roles=[RoleInput("Planter", places), RoleInput("Accueil", 2)],
        address="Place de la mairie",
        **fields,
    )


def register(action, number: int, role: str = "Planter", **changes) -> Registration:
    return registration_create(
        action=action,
        role=action.roles.get(name=role),
        name=f"Personne {number}",
        email=f"personne{number}@example.org",
        base_url="https://tissage.example",
        **changes,
    ).registration


def without_address(action, status: str = "confirmed") -> list[Registration]:
    """One registration of each kind the app makes without an address: entered by a
    facilitator, a walk-in, and one whose account was deleted."""
    role = action.roles.first()
    Registration.objects.create(
        action=action,
        role=role,
        name="Marcel",
        email=registration_services.placeholder_email(),
        status=status,
    )
    walk_in_add(action=action, name="Lucie")
    # Forgotten at account deletion while kept (a past action's registration; one to
    # come is cancelled instead): what `personal_data.forget` leaves.
    kept = Registration.objects.create(
        action=action, role=role, name="Ancien", email="ancien@example.org", status=status
    )
    kept.name, kept.email = personal_data.FORGOTTEN_NAME, f"forgotten-{kept.pk}@deleted.invalid"
    kept.save(update_fields=["name", "email"])
    made = list(Registration.objects.filter(action=action, name__in=["Marcel", "Lucie", "—"]))
    assert sorted(r.email.split("@")[1] for r in made) == [
        "deleted.invalid",
        "sans-adresse.invalid",
        "sans-email.invalid",
    ]
    return made


def answer(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 302 and response["Location"].startswith("/compte/connexion/"):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, str(response.status_code))


def past_action(project=None, *, days_ago=3, hours=3, commune=None, **fields):
    starts_at = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("status", "published")
    return action_create(
        project=project or ProjectFactory(),
        title="Plantation",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        roles=[RoleInput("Planter", 10), RoleInput("Café", 2)],
        commune=commune,
        **fields,
    )


def person(action, number, **fields):
    fields.setdefault("status", "confirmed")
    fields.setdefault("name", f"Personne {number}")
    return Registration.objects.create(
        action=action, role=action.roles.first(), email=f"p{number}@example.org", **fields
    )


def staff_client(client, project):
    client.force_login(user_with_role("project_facilitator", project))
    return client


def impact_setup():
    project = ProjectFactory()
    north, south = CommuneFactory(name="Nord"), CommuneFactory(name="Sud")
    trees = ImpactCounter.objects.create(project=project, name="Arbres", unit="arbres")
    hedge = ImpactCounter.objects.create(project=project, name="Haie", unit="m", position=1)
    a1 = past_action(project, commune=north, days_ago=3)
    a2 = past_action(project, commune=north, days_ago=10)
    a3 = past_action(project, commune=south, days_ago=20)
    a4 = past_action(project, commune=None, days_ago=30)
    values = {
        (a1, trees): "120",
        (a2, trees): "30.5",
        (a3, trees): "7",
        (a1, hedge): "40",
        (a4, hedge): "15",
    }
    for (action, counter), value in values.items():
        ImpactValue.objects.create(action=action, counter=counter, value=Decimal(value))
    # A cancelled action's values are not counted.
    gone = past_action(project, commune=south, status="cancelled")
    ImpactValue.objects.create(action=gone, counter=trees, value=Decimal(1000))
    return project, trees, hedge, (a1, a2, a3, a4), (north, south)


def manager_of(action):
    return ProjectMembershipFactory(project=action.project, role="facilitator").user


def action_url(name, action, **kwargs):
    return reverse(f"actions:{name}", kwargs={"slug": action.slug, **kwargs})
