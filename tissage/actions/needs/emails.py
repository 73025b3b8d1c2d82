"""What the material sub-domain sends: the confirmation of a pledge, to the person who
made it through their registration (`Pledge.email`, the only address a pledge leads to)."""

from __future__ import annotations

from tissage.actions.models import Pledge
from tissage.actions.registration.emails import email_context, language, reason
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail


def pledge_confirmed_send(*, pledge: Pledge, base_url: str) -> OutgoingEmail | None:
    registration, to = pledge.registration, pledge.email
    if registration is None or not to:
        return None
    return email_send(
        to=to,
        template="emails/actions/needs/pledge_confirmed",
        context={**email_context(registration, base_url), "pledge": pledge},
        reason=reason(registration),
        language=language(registration),
    )
