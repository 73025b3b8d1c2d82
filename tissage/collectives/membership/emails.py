"""Emails about membership: the welcome of a new member (how the list works), a request
to join for the coordinators, the answer to a refused request, and the notice that the
list stopped emailing someone whose copies bounced."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.emails import email_send, site_url

from ..models import Collective, CollectiveMembership

Role = CollectiveMembership.Role
Status = CollectiveMembership.Status


def _urls(collective: Collective, base_url: str) -> dict[str, str]:
    base_url = base_url or site_url()
    return {
        "collective_url": base_url + collective.get_absolute_url(),
        "delivery_url": base_url + reverse("collectives:delivery", args=[collective.slug]),
        "members_url": base_url + reverse("collectives:members", args=[collective.slug]),
    }


def welcome_send(
    *, membership: CollectiveMembership, base_url: str, approved: bool = False
) -> None:
    """Tell a new active member how the list works: posting by email, what arrives."""
    collective, user = membership.collective, membership.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        delivery = str(membership.get_delivery_display())
    email_send(
        to=user.email,
        template="emails/collectives/membership/welcome",
        context={
            "name": user.public_name,
            "collective": collective.name,
            "list_address": collective.list_address,
            "delivery": delivery,
            "approved": approved,
            **_urls(collective, base_url),
        },
        reason=_(
            "You receive this email because you joined the collective %(collective)s "
            "on %(platform)s."
        )
        % {"collective": collective.name, "platform": settings.PLATFORM_NAME},
        language=user.language,
    )


def coordinators_send(*, collective: Collective, template: str, context: dict[str, object]) -> None:
    """Tell each active coordinator of the collective something that waits for them (a
    request to join, a first message held), each in their language."""
    coordinators = User.objects.filter(
        collective_memberships__collective=collective,
        collective_memberships__role=Role.COORDINATOR,
        collective_memberships__status=Status.ACTIVE,
        is_active=True,
    ).only("email", "language")
    for coordinator in coordinators:
        with translation.override(coordinator.language):
            reason = _(
                "You receive this email because you coordinate the collective "
                "%(collective)s on %(platform)s."
            ) % {"collective": collective.name, "platform": settings.PLATFORM_NAME}
        email_send(
            to=coordinator.email,
            template=template,
            context=context,
            reason=reason,
            language=coordinator.language,
        )


def request_notify(*, membership: CollectiveMembership, base_url: str) -> None:
    collective = membership.collective
    coordinators_send(
        collective=collective,
        template="emails/collectives/membership/request",
        context={
            "person": membership.user.public_name,
            "collective": collective.name,
            "request_message": membership.request_message,
            **_urls(collective, base_url),
        },
    )


def refusal_send(*, collective: Collective, user: User, base_url: str) -> None:
    email_send(
        to=user.email,
        template="emails/collectives/membership/refused",
        context={
            "name": user.public_name,
            "collective": collective.name,
            **_urls(collective, base_url),
        },
        reason=_(
            "You receive this email because you asked to join the collective "
            "%(collective)s on %(platform)s."
        )
        % {"collective": collective.name, "platform": settings.PLATFORM_NAME},
        language=user.language,
    )


def delivery_suspended_send(*, membership: CollectiveMembership) -> None:
    """Tell a member that the list stopped emailing them. Sent from the platform's own
    address, not the list's bounce address: it is often the list's mail alone that a
    server refuses (a spam filter), and if this one fails too, its bounce is not counted
    again. The member also sees it on the collective's pages."""
    collective, user = membership.collective, membership.user
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        date = formats.date_format(timezone.localtime(membership.delivery_suspended_at), "j F Y")
    email_send(
        to=user.email,
        template="emails/collectives/membership/delivery_suspended",
        context={
            "name": user.public_name,
            "collective": collective.name,
            "email": user.email,
            "date": date,
            "days": settings.LIST_BOUNCE_DAYS,
            **_urls(collective, settings.SITE_URL),
        },
        reason=_(
            "You receive this email because you are a member of the collective "
            "%(collective)s on %(platform)s."
        )
        % {"collective": collective.name, "platform": settings.PLATFORM_NAME},
        language=language,
    )
