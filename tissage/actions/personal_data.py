"""What the actions app holds about a person, for the account export, and how it forgets
them when the account is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from tissage.accounts.models import User

from .models import Pledge, Registration, VolunteerInvitation, VolunteerProfile
from .registration.services import registration_cancel

FORGOTTEN_NAME = "—"


def _registrations(user: User) -> QuerySet[Registration]:
    # Registrations made before the account existed, with the same address, are theirs too.
    return Registration.objects.filter(Q(user=user) | Q(email=user.email.lower()))


def collect(user: User) -> dict[str, object]:
    registrations = list(
        _registrations(user).select_related("action", "role").order_by("created_at", "pk")
    )
    pledges = Pledge.objects.filter(registration__in=[r.pk for r in registrations]).select_related(
        "need__action"
    )
    profile = VolunteerProfile.objects.filter(user=user).prefetch_related("communes").first()
    return {
        "action_registrations": [
            {
                "action": r.action.title,
                "action_starts_at": r.action.starts_at,
                "action_ends_at": r.action.ends_at,
                "role": r.role.name,
                "name": r.name,
                "email": r.email,
                "phone": r.phone,
                "companions": r.companions,
                "status": r.status,
                "registered_at": r.created_at,
                "given_a_place_at": r.promoted_at,
                "cancelled_at": r.cancelled_at,
                "attended": r.attended,
                "came_without_registering": r.walk_in,
                "hours": r.hours,
            }
            for r in registrations
        ],
        "action_pledges": [
            {
                "action": p.need.action.title,
                "need": p.need.label,
                "name": p.name,
                "quantity": p.quantity,
                "created_at": p.created_at,
                "confirmed_at": p.confirmed_at,
            }
            for p in pledges
        ],
        "volunteer_profile": (
            {
                "facilitators_may_invite_you": profile.opted_in,
                "skills": profile.skill_labels,
                "communes": [
                    {"insee_code": c.insee_code, "name": c.name} for c in profile.communes.all()
                ],
                "note": profile.note,
                "updated_at": profile.updated_at,
            }
            if profile
            else None
        ),
        "volunteer_invitations_received": [
            {
                "action": i.action.title,
                "invited_by": i.invited_by.public_name if i.invited_by else None,
                "invited_at": i.created_at,
            }
            for i in VolunteerInvitation.objects.filter(user=user).select_related(
                "action", "invited_by"
            )
        ],
    }


def files(user: User) -> list[FieldFile]:
    """Nothing: report photos are the facilitators' uploads, not the registrants'."""
    return []


@transaction.atomic
def forget(user: User) -> None:
    """Before the account is deleted: its registrations for actions to come are
    cancelled (the waiting list moves up); the others stay (places, attendance and
    hours count in the project's figures) but no longer say who the person was. The
    address becomes a placeholder (see models.NO_ADDRESS_SUFFIX), unique per
    registration, so that the one-live-registration-per-address rule still holds and
    nothing is ever sent to it."""
    # The places they held in actions to come go to the people waiting, at once: a
    # deleted account will not come.
    now = timezone.now()
    for upcoming in (
        _registrations(user)
        .filter(action__starts_at__gt=now)
        .exclude(status=Registration.Status.CANCELLED)
    ):
        registration_cancel(registration=upcoming, base_url=settings.SITE_URL)
    registrations = list(_registrations(user).select_for_update())
    for registration in registrations:
        registration.user = None
        registration.name = FORGOTTEN_NAME
        registration.email = f"forgotten-{registration.pk}@deleted.invalid"
        registration.phone = ""
        registration.save(update_fields=["user", "name", "email", "phone"])
    Pledge.objects.filter(registration__in=[r.pk for r in registrations]).update(
        name=FORGOTTEN_NAME
    )
