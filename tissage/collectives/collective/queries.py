"""Reads of the collective's own pages: the list of collectives, and what a collective's
page shows, in a fixed number of queries whatever the number of discussions, initiatives,
meetings, members or items waiting for the coordinators.

Each part comes from its one home: the archive's threads from `lists.queries`, the hub
page from `wiki.queries`, the initiatives and memberships from their querysets, the
moderation counts from the same functions as the moderation page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from tissage.actions.models import Action
from tissage.organisations.models import Organisation
from tissage.territories.models import Commune

from ..access import AnyUser, CollectiveRights
from ..lists import queries as lists_queries
from ..models import Collective, CollectiveMembership, Initiative, Thread, WikiPage
from ..wiki.markup import render_wiki
from ..wiki.queries import hub_page

# How many discussions, initiatives and meetings the collective's page shows.
LATEST = 5


@dataclass(frozen=True)
class ModerationCounts:
    """What waits for the coordinators, shown in their toolbar."""

    held_messages: int
    held_mails: int
    reports: int
    requests: int


@dataclass
class CollectiveHome:
    """What the collective's page shows; the archive's parts only to who may read it,
    the moderation counts only to its moderators, meetings only once it has a project."""

    communes: list[Commune]
    member_count: int
    hub: WikiPage | None = None
    hub_html: SafeString | None = None
    threads: list[Thread] | None = None
    initiatives: list[Initiative] | None = None
    meetings: list[Action] | None = None
    meetings_url: str = ""
    moderation: ModerationCounts | None = None


def listed_collectives() -> QuerySet[Collective]:
    """Every collective, by name, with its organisation, communes and active members' count."""
    communes = Prefetch(
        "communes", queryset=Commune.objects.only("id", "name", "department").order_by("name")
    )
    active = Q(memberships__status=CollectiveMembership.Status.ACTIVE)
    return (
        Collective.objects.select_related("organisation")
        .prefetch_related(communes)
        .annotate(member_count=Count("memberships", filter=active))
        .order_by("name", "pk")
    )


def organisations_for_new_collective(user: AnyUser) -> list[Organisation]:
    """The organisations (at most 20) whose staff this person is, so may create a
    collective in (`access.can_create_collective`)."""
    if not user.is_authenticated:
        return []
    organisations = (
        Organisation.objects.all()
        if user.is_superuser
        else Organisation.objects.filter(memberships__user=user).distinct()
    )
    return list(organisations.only("id", "name", "slug").order_by("name")[:20])


def upcoming_meetings(collective: Collective) -> QuerySet[Action]:
    """The collective's published meetings that have not started yet, soonest first."""
    return (
        Action.objects.published()
        .filter(project=collective.project, kind=Action.Kind.MEETING, starts_at__gte=timezone.now())
        .select_related("commune")
        .defer("commune__geometry")
        .order_by("starts_at", "pk")
    )


def moderation_counts(collective: Collective) -> ModerationCounts:
    return ModerationCounts(
        held_messages=lists_queries.held_messages(collective).count(),
        held_mails=lists_queries.waiting_mails(collective).count(),
        reports=lists_queries.open_reports(collective).count(),
        requests=CollectiveMembership.objects.pending().filter(collective=collective).count(),
    )


def collective_home(collective: Collective, rights: CollectiveRights) -> CollectiveHome:
    home = CollectiveHome(
        communes=list(collective.communes.only("id", "name", "department").order_by("name")),
        member_count=collective.memberships.active().count(),
    )
    if rights.can_read:
        home.hub = hub_page(collective)
        if home.hub is not None and home.hub.current is not None:
            home.hub_html = render_wiki(collective, home.hub.current.body)
        home.threads = list(lists_queries.archive_threads(collective)[:LATEST])
        home.initiatives = list(Initiative.objects.ongoing().filter(collective=collective)[:LATEST])
    if collective.project is not None:
        home.meetings = list(upcoming_meetings(collective)[:LATEST])
        home.meetings_url = reverse("actions:agenda") + "?project=" + collective.project.slug
    if rights.can_moderate:
        home.moderation = moderation_counts(collective)
    return home
