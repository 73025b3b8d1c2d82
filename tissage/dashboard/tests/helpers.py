"""Builders for the dashboard's tests: source rows made directly (dates chosen freely),
then `dashboard_refresh`."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from tissage.actions.models import Action, Registration, Role
from tissage.collectives.models import Message, Thread
from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution
from tissage.inventories.tests.helpers import LAT, LON, heritage_campaign, lavoir


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def an_action(project, day: datetime.date, *, commune=None, places: int = 50) -> Action:
    number = uuid.uuid4().hex[:8]
    action = Action.objects.create(
        project=project,
        title=f"Chantier {number}",
        slug=f"chantier-{number}",
        starts_at=moment(day),
        ends_at=moment(day, 13),
        commune=commune,
        status=Action.Status.PUBLISHED,
    )
    Role.objects.create(action=action, name="Planter", places=places)
    return action


def registered(action: Action, count: int, *, prefix: str = "p", **fields) -> list[Registration]:
    """`count` guests (or accounts, with `user=`) registered and confirmed."""
    fields.setdefault("status", Registration.Status.CONFIRMED)
    role = action.roles.first()
    return Registration.objects.bulk_create(
        Registration(
            action=action,
            role=role,
            name=f"Personne {n}",
            email=f"{prefix}{n}@example.org",
            **fields,
        )
        for n in range(count)
    )


def a_campaign(project, commune=None):
    return heritage_campaign(project=project, commune=commune)


def contributed(campaign, *, user=None, email: str = "", entered_by=None, **fields) -> Contribution:
    fields.setdefault("status", Contribution.Status.SUBMITTED)
    created_at = fields.pop("created_at", None)
    item = Contribution.objects.create(
        campaign=campaign,
        category=lavoir(campaign),
        title="Lavoir",
        longitude=LON,
        latitude=LAT,
        commune=campaign.communes.first(),
        licence=campaign.licence,
        contributor=user,
        contributor_email=email,
        entered_by=entered_by,
        consent_at=timezone.now(),
        **fields,
    )
    if created_at is not None:  # auto_now_add: set after
        Contribution.objects.filter(pk=item.pk).update(created_at=created_at)
    return item


def posted(collective, author, *, source: str = Message.Source.WEB) -> Message:
    thread = Thread.objects.create(collective=collective, subject="Bonjour", started_by=author)
    return Message.objects.create(
        thread=thread,
        collective=collective,
        author=author,
        author_name=author.public_name,
        body="Bonjour à tous",
        source=source,
        message_id=f"<{uuid.uuid4().hex}@test>",
    )


def people(count: int) -> list:
    return UserFactory.create_batch(count)
