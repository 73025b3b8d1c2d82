"""Forces vives: saving one's availability, inviting a volunteer to an action."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.agenda import calendars
from tissage.actions.models import Action, VolunteerInvitation, VolunteerProfile
from tissage.core.emails import email_send
from tissage.territories.models import Commune


class InvitationError(Exception):
    """Why an invitation cannot be sent, in words for the facilitator."""


@transaction.atomic
def volunteer_profile_save(
    *,
    user: User,
    opted_in: bool,
    skills: Sequence[str],
    communes: Sequence[Commune],
    note: str,
) -> VolunteerProfile:
    profile, _created = VolunteerProfile.objects.select_for_update().get_or_create(user=user)
    profile.opted_in = opted_in
    profile.skills = list(skills)
    profile.note = note
    profile.save(update_fields=["opted_in", "skills", "note", "updated_at"])
    profile.communes.set(communes)
    return profile


def volunteer_invite(
    *, action: Action, user: User, invited_by: User, base_url: str
) -> VolunteerInvitation:
    """Write once to a volunteer about an action. Only to people who agreed to be found,
    about an action they may register for; a second invitation is refused."""
    if action.status != Action.Status.PUBLISHED or not action.registration_is_open():
        raise InvitationError(
            _("Registration for this action is not open: publish it or open it first.")
        )
    if not VolunteerProfile.objects.filter(user=user, opted_in=True, user__is_active=True).exists():
        raise InvitationError(_("This person no longer wishes to be invited."))
    try:
        with transaction.atomic():
            invitation = VolunteerInvitation.objects.create(
                action=action, user=user, invited_by=invited_by
            )
            _invitation_send(invitation=invitation, base_url=base_url)
    except IntegrityError:
        raise InvitationError(
            _("%(name)s was already invited to this action.") % {"name": user.public_name}
        ) from None
    return invitation


def _invitation_send(*, invitation: VolunteerInvitation, base_url: str) -> None:
    action, user = invitation.action, invitation.user
    facilitator = invitation.invited_by.public_name if invitation.invited_by else ""
    email_send(
        to=user.email,
        template="emails/actions/volunteers/invitation",
        context={
            "action": action,
            "project": action.project,
            "volunteer": user.public_name,
            "facilitator": facilitator,
            "action_url": calendars.action_url(action, base_url),
            "availability_url": base_url + reverse("actions:availability"),
        },
        reason=_(
            "You receive this email because you told %(platform)s that facilitators of "
            "projects may invite you. To stop it, untick that box on your availability page."
        )
        % {"platform": settings.PLATFORM_NAME},
        language=user.language,
    )
