"""Writes on the day and after an action: attendance and hours, walk-ins, impact values,
the report with its photos (reads are in `queries.py`).

Writes that touch several rows are keyword-only functions under `transaction.atomic`,
like the registration services.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.models import (
    Action,
    ActionReport,
    ImpactCounter,
    ImpactValue,
    Registration,
    ReportPhoto,
)
from tissage.core.photos import PreparedPhoto, photo_files_delete_on_commit
from tissage.projects.models import Project

MAX_REPORT_PHOTOS = 10
# Walk-ins who give no address get a placeholder one (see models.NO_ADDRESS_SUFFIX).
NO_EMAIL_DOMAIN = "sans-adresse.invalid"


# Attendance and hours -------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """What the check-in list says about one registration."""

    registration_id: int
    attended: bool | None
    hours: Decimal | None = None


@transaction.atomic
def attendance_set(*, action: Action, marks: Sequence[Mark]) -> int:
    """Record present / absent (and hours) for registrations of this action; marks for
    other actions' registrations are ignored. Returns how many were updated. Two queries."""
    wanted = {mark.registration_id: mark for mark in marks}
    registrations = list(
        Registration.objects.select_for_update()
        .filter(action=action, pk__in=wanted)
        .exclude(status=Registration.Status.CANCELLED)
    )
    for registration in registrations:
        mark = wanted[registration.pk]
        registration.attended = mark.attended
        registration.hours = mark.hours
    Registration.objects.bulk_update(registrations, ["attended", "hours"])
    return len(registrations)


def walk_in_add(
    *,
    action: Action,
    name: str,
    email: str = "",
    hours: Decimal | None = None,
    entered_by: User | None = None,
) -> Registration:
    """Someone came without registering: recorded as confirmed and present.

    The place check of `registration_create` is skipped on purpose: the person is
    already there, and turning them away from the list would only hide their hours.
    No email is sent. An address already registered marks that registration present.
    """
    email = email.strip().lower()
    name = name.strip()
    if not email:
        email = f"{uuid.uuid4().hex[:16]}@{NO_EMAIL_DOMAIN}"
    role = action.roles.order_by("position", "pk").first()
    if role is None:
        raise ValidationError(_("This action has no role to record people in."))
    try:
        with transaction.atomic():
            existing = (
                Registration.objects.select_for_update()
                .filter(action=action, email=email)
                .exclude(status=Registration.Status.CANCELLED)
                .first()
            )
            if existing is not None:
                existing.attended = True
                existing.status = Registration.Status.CONFIRMED
                if hours is not None:
                    existing.hours = hours
                existing.save(update_fields=["attended", "status", "hours"])
                return existing
            registration = Registration(
                action=action,
                role=role,
                name=name,
                email=email,
                status=Registration.Status.CONFIRMED,
                walk_in=True,
                attended=True,
                hours=hours,
                entered_by=entered_by,
            )
            registration.full_clean()
            registration.save()
            return registration
    except IntegrityError:
        # The same address added at the same second from another phone: that one stands.
        return Registration.objects.exclude(status=Registration.Status.CANCELLED).get(
            action=action, email=email
        )


# Impact -----------------------------------------------------------------------------------


@transaction.atomic
def impact_counter_add(*, project: Project, name: str, unit: str = "") -> ImpactCounter:
    """A new counter of the project, after its others. The project's row is locked first
    (on SQLite every write transaction already waits its turn, see settings), so that two
    facilitators adding a counter at the same moment get two different positions."""
    Project.objects.select_for_update().get(pk=project.pk)
    last = ImpactCounter.objects.filter(project=project).aggregate(last=Max("position"))["last"]
    return ImpactCounter.objects.create(
        project=project, name=name, unit=unit, position=0 if last is None else last + 1
    )


@transaction.atomic
def impact_values_set(
    *, project: Project, values: Mapping[tuple[int, int], Decimal | None]
) -> None:
    """Store (action id, counter id) → value for this project's actions and counters;
    None removes the value. Pairs outside the project are ignored."""
    counters = set(
        ImpactCounter.objects.filter(project=project, pk__in={c for _a, c in values}).values_list(
            "pk", flat=True
        )
    )
    actions = set(
        Action.objects.filter(project=project, pk__in={a for a, _c in values}).values_list(
            "pk", flat=True
        )
    )
    existing = {
        (value.action_id, value.counter_id): value
        for value in ImpactValue.objects.filter(counter__in=counters, action__in=actions)
    }
    to_create, to_update, to_delete = [], [], []
    for (action_id, counter_id), number in values.items():
        if action_id not in actions or counter_id not in counters:
            continue
        current = existing.get((action_id, counter_id))
        if number is None:
            if current is not None:
                to_delete.append(current.pk)
        elif current is None:
            to_create.append(ImpactValue(action_id=action_id, counter_id=counter_id, value=number))
        elif current.value != number:
            current.value = number
            to_update.append(current)
    ImpactValue.objects.filter(pk__in=to_delete).delete()
    ImpactValue.objects.bulk_create(to_create)
    ImpactValue.objects.bulk_update(to_update, ["value"])


# Report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewPhoto:
    photo: PreparedPhoto
    credit: str


@transaction.atomic
def report_save(
    *,
    action: Action,
    text: str,
    author: User | None,
    photos: Sequence[NewPhoto] = (),
    remove: Sequence[int] = (),
) -> ActionReport:
    """Write (or rewrite) the report, remove some of its photos, add new ones — at most
    ten in all, else nothing is saved."""
    Action.objects.select_for_update().get(pk=action.pk)  # one editor at a time
    report, _created = ActionReport.objects.get_or_create(
        action=action, defaults={"text": text, "author": author}
    )
    if report.text != text:
        report.text = text
        report.author = author
        report.save(update_fields=["text", "author"])
    removed = list(ReportPhoto.objects.filter(report=report, pk__in=remove))
    kept = ReportPhoto.objects.filter(report=report).exclude(pk__in=remove).count()
    if kept + len(photos) > MAX_REPORT_PHOTOS:
        raise ValidationError(
            _(
                "A report has at most %(max)d photos: it has %(kept)d, remove some before "
                "adding %(new)d."
            )
            % {"max": MAX_REPORT_PHOTOS, "kept": kept, "new": len(photos)}
        )
    if removed:
        photo_files_delete_on_commit(removed)
        ReportPhoto.objects.filter(pk__in=[p.pk for p in removed]).delete()
    last = (
        ReportPhoto.objects.filter(report=report)
        .order_by("-position")
        .values_list("position", flat=True)
    ).first()
    start = 0 if last is None else last + 1
    for offset, new in enumerate(photos):
        ReportPhoto.objects.create(
            report=report,
            image=new.photo.image,
            thumbnail=new.photo.thumbnail,
            width=new.photo.width,
            height=new.photo.height,
            credit=new.credit,
            position=start + offset,
        )
    return report
