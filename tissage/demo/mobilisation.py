"""Months of past participation for the demo organisations, so that each one's
mobilisation dashboard has something to say: work-days with their registrations,
attendance and trees planted (Drôme), inventory items sent over the seasons, some typed
in by a facilitator (Garrigues), and list messages, some by email (the collective).

Past actions and their registrations are written as rows, not through
`registration_create`: the service rightly refuses registering for an action that has
started, and would queue a confirmation email to each made-up guest. Actions, attendance
and impact go through their services. Addresses are in the reserved `.example` domain."""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

from django.utils import timezone

from tissage.accounts.models import User
from tissage.actions.attendance.services import (
    Mark,
    attendance_set,
    impact_counter_add,
    impact_values_set,
)
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action, Registration
from tissage.collectives.models import Collective, CollectiveMembership, Message, Thread
from tissage.inventories.models import Campaign, Contribution
from tissage.projects.models import Project
from tissage.territories.models import Commune

MONTHS = 8
GUESTS = 70  # a pool of inhabitants: many come back, some come once
PAST_TITLE = "Chantier de plantation (passé)"
ITEMS = 48  # inventory items sent over the months, besides `inventory.py`'s
ITEM_TITLE = "Élément signalé"
EMAIL_SHARE = 0.4


def _past(rng: random.Random, months_ago: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=30 * months_ago + rng.randrange(0, 25))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _guest(number: int) -> str:
    return f"habitant{number}@demo.tissage.example"


def mobilisation_load(
    *,
    planting: Project,
    facilitator: User,
    campaign: Campaign,
    inventory_facilitator: User,
    collective: Collective,
) -> None:
    if Action.objects.filter(project=planting, title=PAST_TITLE).exists():
        return
    rng = random.Random(2606)
    _workdays(rng, planting, facilitator)
    _items(rng, campaign, inventory_facilitator)
    _messages(rng, collective)


def _workdays(rng: random.Random, project: Project, facilitator: User) -> None:
    communes: list[Commune | None] = [*project.communes.order_by("name")] or [None]
    trees = impact_counter_add(project=project, name="arbres plantés", unit="arbres")
    values: dict[tuple[int, int], Decimal | None] = {}
    for months_ago in range(MONTHS, 0, -1):
        starts_at = _past(rng, months_ago)
        commune = communes[months_ago % len(communes)]
        action = action_create(
            project=project,
            title=PAST_TITLE,
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=3),
            roles=[RoleInput("Planter", 25)],
            commune=commune,
            address=f"Salle des fêtes, {commune.name}" if commune else "",
            status=Action.Status.PUBLISHED,
        )
        role = action.roles.get()
        # The longer the project runs, the more people it draws, old and new.
        pool = range(0, min(GUESTS, 15 + 7 * (MONTHS - months_ago)))
        chosen = rng.sample(pool, min(len(pool), rng.randint(8, 20)))
        rows = []
        for number in chosen:
            assisted = rng.random() < 0.15  # on the phone, at the market stall
            rows.append(
                Registration(
                    action=action,
                    role=role,
                    name=f"Habitant {number}",
                    email=_guest(number),
                    status=Registration.Status.CONFIRMED,
                    entered_by=facilitator if assisted else None,
                    companions=rng.choice([0, 0, 0, 1, 2]),
                    created_at=starts_at - datetime.timedelta(days=rng.randint(1, 20)),
                )
            )
        Registration.objects.bulk_create(rows)
        attendance_set(
            action=action,
            marks=[Mark(r.pk, rng.random() < 0.85) for r in action.registrations.all()],
        )
        values[(action.pk, trees.pk)] = Decimal(rng.randrange(40, 300, 10))
    impact_values_set(project=project, values=values)


def _items(rng: random.Random, campaign: Campaign, facilitator: User) -> None:
    communes = list(campaign.communes.order_by("insee_code"))
    category = campaign.categories.order_by("position").first()
    if not communes or category is None:
        return
    statuses = [Contribution.Status.VALIDATED] * 6 + [
        Contribution.Status.SUBMITTED,
        Contribution.Status.REJECTED,
    ]
    for number in range(ITEMS):
        commune = rng.choice(communes[: max(1, len(communes) // 2)])
        lon, lat = commune.inside_point()
        assisted = number % 6 == 0  # typed in at a heritage day's stand
        guest = rng.randrange(0, 30)
        item = Contribution.objects.create(
            campaign=campaign,
            category=category,
            title=f"{ITEM_TITLE} à {commune.name}",
            longitude=lon,
            latitude=lat,
            commune=commune,
            status=rng.choice(statuses),
            licence=campaign.licence,
            contributor_name=f"Habitante {guest}",
            contributor_email=_guest(100 + guest),
            entered_by=facilitator if assisted else None,
            consent_at=timezone.now(),
        )
        when = _past(rng, rng.randrange(0, MONTHS), hour=15)
        Contribution.objects.filter(pk=item.pk).update(created_at=when, updated_at=when)


def _messages(rng: random.Random, collective: Collective) -> None:
    members = list(
        CollectiveMembership.objects.filter(collective=collective).select_related("user")
    )
    subjects = ["Covoiturage pour samedi", "Compte rendu de la réunion", "Qui a une remorque ?"]
    for months_ago in range(MONTHS, 0, -1):
        when = _past(rng, months_ago, hour=20)
        thread = Thread.objects.create(
            collective=collective, subject=rng.choice(subjects), started_by=members[0].user
        )
        for membership in rng.sample(members, len(members)):
            source = Message.Source.EMAIL if rng.random() < EMAIL_SHARE else Message.Source.WEB
            message = Message.objects.create(
                thread=thread,
                collective=collective,
                author=membership.user,
                author_name=membership.user.public_name,
                body="Je serai là, et je peux emmener deux personnes.",
                source=source,
                message_id=f"<demo-{uuid.UUID(int=rng.getrandbits(128)).hex}@demo.tissage.example>",
                published_at=when,
            )
            Message.objects.filter(pk=message.pk).update(created_at=when)
