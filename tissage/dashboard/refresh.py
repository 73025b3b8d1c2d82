"""Rebuilding the dashboard's facts (`models.py`) from the source tables:
`tissage dashboard-refresh`, daily, and at the end of `tissage demo`.

What counts as taking part, and on which day:

- a registration for an action, confirmed (present or not yet checked; not those marked
  absent), on the day the action starts; "assisted" when a facilitator entered it for
  someone else (`registration_assisted`, a walk-in added at check-in);
- an inventory contribution sent (the address confirmed; imported items are nobody's),
  on the day it was sent; "assisted" when a facilitator typed it in (`entered_by`);
- a message published on a collective's list, on the day it was sent; "email" when it
  came in by email (`Message.source`);
- an opinion given in a consultation: a proposal or a remark on the map (its address
  confirmed; "assisted" when a facilitator typed it in), a confirmed support, a comment,
  on the day it was given.

A guest is counted by address; a guest address that is an account's counts as that
account (the person proved it is theirs by signing in with it).

Idempotent: the days recomputed are deleted and inserted again in one transaction, so
running it twice, or at the same time as the dashboard is read, never shows half."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from tissage.accounts.models import User
from tissage.actions.models import Action, Registration, Role
from tissage.collectives.models import Message
from tissage.consultations.models import Comment, Proposal, Support
from tissage.inventories.models import Contribution

from .models import ActionTally, FirstParticipation, Kind, Participation, Refresh, Way

BATCH_SIZE = 2000
# The days a daily run recomputes: attendance is marked and addresses confirmed within
# days; actions to come are always recomputed (their day is ahead).
DEFAULT_DAYS = 30


def person_key(*, user_id: int | None = None, email: str = "") -> str:
    """An opaque key for one person: HMAC-SHA256 of the account id, or of the address
    when there is no account, keyed with SECRET_KEY (a hash without a key could be
    reversed for an address by trying it)."""
    subject = f"account:{user_id}" if user_id is not None else f"address:{email.strip().lower()}"
    return hmac.new(settings.SECRET_KEY.encode(), subject.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class RefreshReport:
    since: datetime.date | None
    participations: int
    actions: int


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _accounts_of(emails: Iterable[str]) -> dict[str, int]:
    wanted = {email.lower() for email in emails if email}
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):  # SQLite's limit of parameters
        chunk = sorted(wanted)[start : start + 500]
        for pk, email in User.objects.filter(email__in=chunk).values_list("pk", "email"):
            found[email.lower()] = pk
    return found


_Fact = tuple[datetime.date, int | None, int | None, int | None, str, str, str]


def _registrations(since: datetime.datetime | None) -> Counter[_Fact]:
    rows = (
        Registration.objects.filter(status=Registration.Status.CONFIRMED)
        .exclude(attended=False)
        .exclude(action__status=Action.Status.CANCELLED)
    )
    if since is not None:
        rows = rows.filter(action__starts_at__gte=since)
    values = list(
        rows.values_list(
            "user_id",
            "email",
            "entered_by_id",
            "walk_in",
            "action__starts_at",
            "action__project__organisation_id",
            "action__project_id",
            "action__commune_id",
        )
    )
    accounts = _accounts_of(email for user, email, *_ in values if user is None)
    facts: Counter[_Fact] = Counter()
    for user, email, entered_by, walk_in, starts_at, organisation, project, commune in values:
        user = user if user is not None else accounts.get(email.lower())
        if (entered_by is not None and entered_by != user) or walk_in:
            way = Way.ASSISTED
        else:
            way = Way.ACCOUNT if user is not None else Way.GUEST
        key = person_key(user_id=user, email=email)
        day = timezone.localdate(starts_at)
        facts[(day, organisation, project, commune, key, way, Kind.REGISTRATION)] += 1
    return facts


_Entry = tuple[int | None, str, int | None, datetime.datetime, int | None, int | None, int | None]


def _entered_facts(rows: Iterable[_Entry], kind: str, assisted: str) -> Counter[_Fact]:
    """Facts of rows (person, guest's address, who typed it in, when, organisation,
    project, commune) that someone sent, or a facilitator typed in for them."""
    rows = list(rows)
    accounts = _accounts_of(email for user, email, *_ in rows if user is None and email)
    facts: Counter[_Fact] = Counter()
    for user, email, entered_by, created_at, organisation, project, commune in rows:
        user = user if user is not None else accounts.get(email.lower())
        if entered_by is not None and entered_by != user:
            way = Way.ASSISTED
        else:
            way = Way.ACCOUNT if user is not None else Way.GUEST
        if user is None and not email:
            # Typed in for someone without an address: the facilitator's entry stands
            # for one person, whom nothing else identifies.
            key = person_key(email=f"{assisted}-{created_at.isoformat()}")
        else:
            key = person_key(user_id=user, email=email)
        day = timezone.localdate(created_at)
        facts[(day, organisation, project, commune, key, way, kind)] += 1
    return facts


def _contributions(since: datetime.datetime | None) -> Counter[_Fact]:
    rows = (
        Contribution.objects.exclude(status=Contribution.Status.AWAITING_EMAIL)
        .filter(external_ref="")
        .filter(
            Q(contributor__isnull=False) | ~Q(contributor_email="") | Q(entered_by__isnull=False)
        )
    )
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    values = list(
        rows.values_list(
            "contributor_id",
            "contributor_email",
            "entered_by_id",
            "created_at",
            "campaign__project__organisation_id",
            "campaign__project_id",
            "commune_id",
        )
    )
    return _entered_facts(values, Kind.CONTRIBUTION, "assisted-contribution")


def _messages(since: datetime.datetime | None) -> Counter[_Fact]:
    rows = Message.objects.filter(status=Message.Status.PUBLISHED, author__isnull=False)
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    facts: Counter[_Fact] = Counter()
    for author, source, created_at, organisation, project in rows.values_list(
        "author_id", "source", "created_at", "collective__organisation_id", "collective__project_id"
    ):
        way = Way.EMAIL if source == Message.Source.EMAIL else Way.ACCOUNT
        key = person_key(user_id=author)
        day = timezone.localdate(created_at)
        facts[(day, organisation, project, None, key, way, Kind.MESSAGE)] += 1
    return facts


def _opinions(since: datetime.datetime | None) -> Counter[_Fact]:
    """Proposals and remarks (at their commune), supports and comments (no commune: the
    place is the proposal's, not the person's)."""
    proposals = Proposal.objects.exclude(status=Proposal.Status.UNCONFIRMED).filter(
        Q(author__isnull=False) | ~Q(author_email="") | Q(entered_by__isnull=False)
    )
    supports = Support.objects.filter(confirmed_at__isnull=False)
    comments = Comment.objects.filter(author__isnull=False)
    if since is not None:
        proposals = proposals.filter(created_at__gte=since)
        supports = supports.filter(created_at__gte=since)
        comments = comments.filter(created_at__gte=since)
    scope = (
        "proposal__consultation__project__organisation_id",
        "proposal__consultation__project_id",
    )
    rows = [
        *proposals.values_list(
            "author_id",
            "author_email",
            "entered_by_id",
            "created_at",
            "consultation__project__organisation_id",
            "consultation__project_id",
            "commune_id",
        ),
        *(
            (user, email, entered_by, created_at, organisation, project, None)
            for user, email, entered_by, created_at, organisation, project in supports.values_list(
                "user_id", "email", "entered_by_id", "created_at", *scope
            )
        ),
        *(
            (user, "", None, created_at, organisation, project, None)
            for user, created_at, organisation, project in comments.values_list(
                "author_id", "created_at", *scope
            )
        ),
    ]
    return _entered_facts(rows, Kind.OPINION, "assisted-opinion")


def _action_tallies(since: datetime.datetime | None) -> list[ActionTally]:
    actions = Action.objects.filter(status=Action.Status.PUBLISHED).select_related(
        "project", "commune"
    )
    if since is not None:
        actions = actions.filter(starts_at__gte=since)
    actions_by_pk = {action.pk: action for action in actions}
    places: Counter[int] = Counter()
    for action_id, role_places in Role.objects.filter(action__in=actions_by_pk).values_list(
        "action_id", "places"
    ):
        places[action_id] += role_places
    tallies = {
        pk: ActionTally(
            action_id=pk,
            day=timezone.localdate(action.starts_at),
            starts_at=action.starts_at,
            organisation_id=action.project.organisation_id,
            project_id=action.project_id,
            title=action.title[:200],
            commune_name=action.commune.name if action.commune else "",
            places=action.capacity if action.capacity is not None else places[pk],
        )
        for pk, action in actions_by_pk.items()
    }
    registrations = Registration.objects.filter(action__in=actions_by_pk).exclude(
        status=Registration.Status.CANCELLED
    )
    for action_id, status, companions, attended, hours in registrations.values_list(
        "action_id", "status", "companions", "attended", "hours"
    ):
        tally = tallies.get(action_id)
        if tally is None:
            continue
        if status == Registration.Status.WAITING:
            tally.waiting += 1
            continue
        tally.registrations += 1 + companions
        if attended:
            tally.present += 1 + companions
            action = actions_by_pk[action_id]
            length = (action.ends_at - action.starts_at).total_seconds() / 3600
            tally.hours += float(hours) if hours is not None else length * (1 + companions)
    return list(tallies.values())


def _firsts() -> list[FirstParticipation]:
    """Each person's first day on the platform, in each organisation and each project."""
    rows: list[FirstParticipation] = []
    facts = Participation.objects.values("person_key")
    for key, day in facts.annotate(first=Min("day")).values_list("person_key", "first"):
        rows.append(FirstParticipation(person_key=key, day=day))
    for scope in ("organisation_id", "project_id"):
        grouped = (
            Participation.objects.filter(**{f"{scope}__isnull": False})
            .values(scope, "person_key")
            .annotate(first=Min("day"))
            .values_list(scope, "person_key", "first")
        )
        for scope_id, key, day in grouped:
            rows.append(FirstParticipation(**{scope: scope_id}, person_key=key, day=day))
    return rows


def dashboard_refresh(*, since: datetime.date | None = None) -> RefreshReport:
    """Recompute the facts of the days from `since` on (None: every day)."""
    start = _start_of(since) if since is not None else None
    facts = _registrations(start) + _contributions(start) + _messages(start) + _opinions(start)
    tallies = _action_tallies(start)
    with transaction.atomic():
        participations = Participation.objects.all()
        action_tallies = ActionTally.objects.all()
        if since is not None:
            participations = participations.filter(day__gte=since)
            action_tallies = action_tallies.filter(starts_at__gte=start)
        participations.delete()
        action_tallies.delete()
        Participation.objects.bulk_create(
            (
                Participation(
                    day=day,
                    organisation_id=organisation,
                    project_id=project,
                    commune_id=commune,
                    person_key=key,
                    way=way,
                    kind=kind,
                    count=count,
                )
                for (day, organisation, project, commune, key, way, kind), count in facts.items()
            ),
            batch_size=BATCH_SIZE,
        )
        ActionTally.objects.bulk_create(tallies, batch_size=BATCH_SIZE)
        FirstParticipation.objects.all().delete()
        FirstParticipation.objects.bulk_create(_firsts(), batch_size=BATCH_SIZE)
        Refresh.objects.create(since=since)
    return RefreshReport(since=since, participations=len(facts), actions=len(tallies))


def default_since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=DEFAULT_DAYS)
