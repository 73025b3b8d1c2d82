"""Writes about who is in a collective: joining (at once, or a request to a moderated
collective), approving or refusing requests, roles, leaving or removing a member, and
how a member receives the list (suspended when their copies keep bouncing, resumed by
the member).

Access is decided in `access.py`; these functions trust their caller on who may act,
but keep the rules that hold whoever acts (the last coordinator stays, joining twice
keeps one membership).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tissage.accounts.models import User
from tissage.core.emails import site_url
from tissage.engagement.services import follow_auto

from ..models import Collective, CollectiveMembership, InboundMail, MemberBounce
from .emails import delivery_suspended_send, refusal_send, request_notify, welcome_send

Role = CollectiveMembership.Role
Status = CollectiveMembership.Status


class MembershipRefused(Exception):
    """The change cannot be made; the message says why, to the person."""


def membership_join(
    *,
    collective: Collective,
    user: User,
    message: str = "",
    display_name: str = "",
    base_url: str = "",
) -> tuple[CollectiveMembership, bool]:
    """Join an open collective, or ask to join a moderated one. Joining twice (a double
    click) finds the first membership: returns (membership, created). A person without a
    name gives one here (`display_name`): members read it in messages and emails, rather
    than "Participant #11"."""
    base_url = base_url or site_url()
    if display_name.strip() and not user.display_name:
        user.display_name = display_name.strip()
        user.save(update_fields=["display_name"])
    existing = CollectiveMembership.objects.filter(collective=collective, user=user).first()
    if existing is not None:
        return existing, False
    open_ = collective.admission == Collective.Admission.OPEN
    try:
        with transaction.atomic():
            membership = CollectiveMembership.objects.create(
                collective=collective,
                user=user,
                role=Role.MEMBER,
                status=Status.ACTIVE if open_ else Status.PENDING,
                request_message="" if open_ else message.strip()[:2000],
            )
            if open_:
                follow_auto(user=user, target=collective)
                transaction.on_commit(
                    lambda: welcome_send(membership=membership, base_url=base_url)
                )
            else:
                transaction.on_commit(
                    lambda: request_notify(membership=membership, base_url=base_url)
                )
    except IntegrityError:  # the same request twice at the same moment
        return CollectiveMembership.objects.get(collective=collective, user=user), False
    return membership, True


def _pending_request(membership: CollectiveMembership) -> CollectiveMembership:
    """The request, locked; refused when it was answered meanwhile (another coordinator,
    or a second click)."""
    locked = CollectiveMembership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None or locked.status != Status.PENDING:
        raise MembershipRefused(_("This request was already answered."))
    return locked


@transaction.atomic
def request_approve(*, membership: CollectiveMembership, base_url: str = "") -> None:
    membership = _pending_request(membership)
    membership.status = Status.ACTIVE
    membership.save(update_fields=["status"])
    follow_auto(user=membership.user, target=membership.collective)
    base_url = base_url or site_url()
    transaction.on_commit(
        lambda: welcome_send(membership=membership, base_url=base_url, approved=True)
    )


@transaction.atomic
def request_refuse(*, membership: CollectiveMembership, base_url: str = "") -> None:
    membership = _pending_request(membership)
    collective, user = membership.collective, membership.user
    membership.delete()
    base_url = base_url or site_url()
    transaction.on_commit(lambda: refusal_send(collective=collective, user=user, base_url=base_url))


def _is_last_coordinator(membership: CollectiveMembership) -> bool:
    if not membership.is_coordinator:
        return False
    others = (
        CollectiveMembership.objects.select_for_update()
        .active()
        .filter(collective_id=membership.collective_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    return not others.exists()


# Lazy: said in the language of the person who asks, not of whoever imported this module.
LAST_COORDINATOR = gettext_lazy(
    "The collective needs at least one coordinator: name another one first."
)


@transaction.atomic
def membership_set_role(*, membership: CollectiveMembership, role: str) -> CollectiveMembership:
    membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.ACTIVE:
        raise MembershipRefused(_("Approve the request first."))
    if role != Role.COORDINATOR and _is_last_coordinator(membership):
        raise MembershipRefused(str(LAST_COORDINATOR))
    membership.role = role
    if role == Role.COORDINATOR:
        membership.trusted = True
    membership.save(update_fields=["role", "trusted"])
    return membership


@transaction.atomic
def membership_remove(*, membership: CollectiveMembership) -> None:
    """Remove a member (a coordinator's decision) or leave (the member's own)."""
    membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
    if _is_last_coordinator(membership):
        raise MembershipRefused(str(LAST_COORDINATOR))
    membership.delete()


def delivery_set(*, membership: CollectiveMembership, delivery: str) -> CollectiveMembership:
    if delivery != membership.delivery:
        membership.delivery = delivery
        if delivery == CollectiveMembership.Delivery.DIGEST:
            # The first digest holds what is published from now on, not the whole archive.
            membership.digest_sent_until = timezone.now()
        membership.save(update_fields=["delivery", "digest_sent_until"])
    return membership


def bounce_record(
    *,
    membership: CollectiveMembership,
    mail: InboundMail,
    permanent: bool,
    status: str = "",
    diagnostic: str = "",
) -> bool:
    """Count one delivery failure of the member's list mail (`mail`: the bounce, stored);
    suspend their delivery when the failures of the last TISSAGE_LIST_BOUNCE_DAYS days
    reach TISSAGE_LIST_BOUNCE_LIMIT (a temporary failure counts half). The same bounce
    delivered twice counts once. Returns whether this one suspended the delivery; the
    member is then told (by email, which may well fail too, and on the site)."""
    with transaction.atomic():
        membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
        if mail.message_id_header and (
            MemberBounce.objects.filter(
                membership=membership, mail__message_id_header=mail.message_id_header
            ).exists()
        ):
            return False
        now = timezone.now()
        MemberBounce.objects.create(
            membership=membership,
            mail=mail,
            received_at=now,
            permanent=permanent,
            status=status[:12],
            diagnostic=diagnostic[:300],
        )
        limit = settings.LIST_BOUNCE_LIMIT
        if membership.delivery_suspended_at is not None or limit <= 0:
            return False
        counts = membership.bounces.filter(
            received_at__gt=now - datetime.timedelta(days=settings.LIST_BOUNCE_DAYS)
        ).aggregate(
            hard=Count("pk", filter=Q(permanent=True)), soft=Count("pk", filter=Q(permanent=False))
        )
        if 2 * counts["hard"] + counts["soft"] < 2 * limit:
            return False
        membership.delivery_suspended_at = now
        membership.save(update_fields=["delivery_suspended_at"])
        suspended = membership
        transaction.on_commit(lambda: delivery_suspended_send(membership=suspended))
        return True


@transaction.atomic
def delivery_resume(*, membership: CollectiveMembership) -> CollectiveMembership:
    """The member asks for the list's mail again (their address works again, or they
    changed it): the failures counted so far are forgotten."""
    membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
    membership.bounces.all().delete()
    if membership.delivery_suspended_at is not None:
        membership.delivery_suspended_at = None
        membership.save(update_fields=["delivery_suspended_at"])
    return membership
