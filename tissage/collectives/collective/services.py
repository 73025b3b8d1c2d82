"""Writes about the collective itself that touch several rows: creating a collective
(with its meetings' project, its first coordinator and its hub page), its settings, and
meetings (announced on the list).

Access is decided in `access.py`; these functions trust their caller on who may act.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action
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
    the list, and to the collective's followers (`meetings_announced_to`, registered with
    the actions app)."""
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
        creator=author,
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
