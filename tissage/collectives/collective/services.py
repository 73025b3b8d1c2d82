"""Writes about the collective itself that touch several rows or send mail: creating a
collective (with its meetings' project and its hub page), joining and leaving, requests
to join, roles, how a member receives the list, and meetings.

Access is decided in `access.py`; these functions trust their caller on who may act,
but keep the rules that hold whoever acts (the last coordinator stays, joining twice
keeps one membership).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.models import Action
from tissage.actions.services import RoleInput, action_create
from tissage.core.emails import email_send
from tissage.core.slugs import unique_slug
from tissage.organisations.models import Organisation
from tissage.projects.models import Project
from tissage.projects.services import project_create
from tissage.territories.models import Commune

from ..lists import services
from ..models import Collective, CollectiveMembership
from ..wiki import services as wiki

# Words used in the collectives' addresses: a collective's slug may not be one of them,
# or its pages would be hidden by (or hide) fixed pages.
RESERVED_SLUGS = frozenset(
    {
        "nouveau",
        "desabonnement",
        "parametres",
        "rejoindre",
        "quitter",
        "membres",
        "mes-emails",
        "reunions",
        "discussions",
        "messages",
        "moderation",
        "wiki",
        "initiatives",
        "static",
        "media",
    }
)
SLUG_MAX = 55  # leaves room for "-2", "-3"… within the field's 60 characters

Role = CollectiveMembership.Role
Status = CollectiveMembership.Status


class MembershipRefused(Exception):
    """The change cannot be made; the message says why, to the person."""


def _meetings_summary(name: str) -> str:
    return _("Meetings and gatherings of the collective %(name)s.") % {"name": name}


def collective_slug(name: str, slug: str | None = None) -> str:
    """`slug` checked (reserved word, already used), or one made from the name."""
    if slug:
        slug = slugify(slug)
        if not slug:
            raise ValidationError({"slug": _("Use letters, digits and hyphens only.")})
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is a reserved word: choose another.") % {"slug": slug}}
            )
        if Collective.objects.filter(slug=slug).exists():
            raise ValidationError(
                {"slug": _("Another collective already uses “%(slug)s”.") % {"slug": slug}}
            )
        return slug
    base = slugify(name)[:SLUG_MAX].strip("-") or "collectif"
    if base in RESERVED_SLUGS:
        base = f"collectif-{base}"
    return unique_slug(Collective, base, fallback="collectif")


@transaction.atomic
def collective_create(
    *,
    organisation: Organisation,
    creator: User,
    name: str,
    description: str,
    communes: Iterable[Commune],
    admission: str,
    archive_visibility: str,
    hold_first_posts: bool,
    slug: str | None = None,
) -> Collective:
    """A collective, its meetings' project, its creator as coordinator and its hub page."""
    collective = Collective(
        organisation=organisation,
        name=name.strip(),
        slug=collective_slug(name, slug),
        description=description,
        admission=admission,
        archive_visibility=archive_visibility,
        hold_first_posts=hold_first_posts,
    )
    collective.full_clean(exclude=["project"])
    collective.project = meetings_project(collective=collective, creator=creator)
    collective.save()
    collective.communes.set(communes)
    CollectiveMembership.objects.create(
        collective=collective,
        user=creator,
        role=Role.COORDINATOR,
        status=Status.ACTIVE,
        trusted=True,
    )
    wiki.page_create(
        collective=collective,
        title=wiki.HUB_TITLE,
        body=_(
            "Welcome to the hub page of the collective: what we do, who to ask, the "
            "links that matter. Everybody in the collective can improve it.\n\n"
            "- What we are working on: …\n- Our next meeting: …\n- Useful pages: …"
        ),
        author=creator,
        is_hub=True,
    )
    return collective


def meetings_project(*, collective: Collective, creator: User | None) -> Project:
    """The project that holds the collective's meetings, made when first needed."""
    return project_create(
        organisation=collective.organisation,
        creator=creator,
        title=collective.name,
        summary=_meetings_summary(collective.name),
        status=Project.Status.PUBLISHED,
    )


@transaction.atomic
def collective_update(*, collective: Collective, communes: Iterable[Commune]) -> Collective:
    """Save the settings form's fields already set on `collective`."""
    collective.full_clean(exclude=["project"])
    collective.save()
    collective.communes.set(communes)
    return collective


# --- Emails ------------------------------------------------------------------------


def _urls(collective: Collective, base_url: str) -> dict[str, str]:
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


def _request_notify(*, membership: CollectiveMembership, base_url: str) -> None:
    collective = membership.collective
    coordinators = User.objects.filter(
        collective_memberships__collective=collective,
        collective_memberships__role=Role.COORDINATOR,
        collective_memberships__status=Status.ACTIVE,
        is_active=True,
    ).only("email", "language")
    for coordinator in coordinators:
        email_send(
            to=coordinator.email,
            template="emails/collectives/membership/request",
            context={
                "person": membership.user.public_name,
                "collective": collective.name,
                "request_message": membership.request_message,
                **_urls(collective, base_url),
            },
            reason=_(
                "You receive this email because you coordinate the collective "
                "%(collective)s on %(platform)s."
            )
            % {"collective": collective.name, "platform": settings.PLATFORM_NAME},
            language=coordinator.language,
        )


def _refusal_send(*, collective: Collective, user: User, base_url: str) -> None:
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


# --- Members -----------------------------------------------------------------------


def membership_join(
    *, collective: Collective, user: User, message: str = "", base_url: str = ""
) -> tuple[CollectiveMembership, bool]:
    """Join an open collective, or ask to join a moderated one. Joining twice (a double
    click) finds the first membership: returns (membership, created)."""
    base_url = base_url or settings.SITE_URL
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
                transaction.on_commit(
                    lambda: welcome_send(membership=membership, base_url=base_url)
                )
            else:
                transaction.on_commit(
                    lambda: _request_notify(membership=membership, base_url=base_url)
                )
    except IntegrityError:  # the same request twice at the same moment
        return CollectiveMembership.objects.get(collective=collective, user=user), False
    return membership, True


@transaction.atomic
def request_approve(*, membership: CollectiveMembership, base_url: str = "") -> None:
    membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.PENDING:
        return
    membership.status = Status.ACTIVE
    membership.save(update_fields=["status"])
    base_url = base_url or settings.SITE_URL
    transaction.on_commit(
        lambda: welcome_send(membership=membership, base_url=base_url, approved=True)
    )


@transaction.atomic
def request_refuse(*, membership: CollectiveMembership, base_url: str = "") -> None:
    membership = CollectiveMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Status.PENDING:
        return
    collective, user = membership.collective, membership.user
    membership.delete()
    base_url = base_url or settings.SITE_URL
    transaction.on_commit(
        lambda: _refusal_send(collective=collective, user=user, base_url=base_url)
    )


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


LAST_COORDINATOR = _("The collective needs at least one coordinator: name another one first.")


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


# --- Meetings ----------------------------------------------------------------------


def _when(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return _("%(date)s, %(start)s–%(end)s") % {
        "date": formats.date_format(start, "l j F Y"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
    }


@transaction.atomic
def meeting_create(
    *,
    collective: Collective,
    author: User,
    membership: CollectiveMembership | None,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    address: str,
    commune: Commune | None,
    places: int,
    base_url: str,
) -> Action:
    """A meeting (an action of kind "meeting" of the collective's project), announced on
    the list."""
    if collective.project is None:
        collective.project = meetings_project(collective=collective, creator=None)
        collective.save(update_fields=["project", "updated_at"])
    action = action_create(
        project=collective.project,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=Action.Kind.MEETING,
        status=Action.Status.PUBLISHED,
        roles=[RoleInput(_("Participant"), places)],
        address=address,
        commune=commune,
    )
    when = _when(starts_at, ends_at)
    place = f"{address} ({commune.name})" if commune else address
    url = base_url + reverse("actions:detail", args=[action.slug])
    services.thread_start(
        collective=collective,
        author=author,
        subject=_("Meeting: %(title)s — %(date)s")
        % {"title": title, "date": formats.date_format(timezone.localtime(starts_at), "j F Y")},
        body=_(
            "**When:** %(when)s\n\n**Where:** %(place)s\n\n"
            "To come, register on the meeting’s page: %(url)s"
        )
        % {"when": when, "place": place, "url": url},
        membership=membership,
    )
    return action
